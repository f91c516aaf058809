"""Applying fixes: non-overlapping edits, iterated to a fixpoint, guarded by a re-parse, written atomically.

A rule attaches a ``Fix`` (edits into the parsed source, a BOM already stripped) to a finding. ``fix_source`` applies
the applicable fixes of one file: in each pass it lints, takes the fixes in source order, skips any fix whose span
touches one already taken (it is recomputed and applied in a later pass), applies them, and re-parses. A fix that
would add syntax errors is dropped and reported. Passes repeat until nothing is left to fix (at most
``MAX_PASSES``), so a second run changes nothing. ``write_atomic`` replaces a file through a temp file + rename.
``apply_fixes`` is the CLI stage: ``--fix``, ``--unsafe-fixes`` and ``--diff`` over a run's results.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable

from nango_lint.findings import Edit, Finding, Fix
from nango_lint.parsing import BOM, ParsedSource, parse_source

if TYPE_CHECKING:
    from tree_sitter import Node

MAX_PASSES = 10
SAFE, UNSAFE = "safe", "unsafe"

Linter = Callable[[ParsedSource], list[Finding]]
# (code, ((start, end, text), ...)) of a fix, in the coordinates of the current source
FixKey = tuple[str, tuple[tuple[int, int, str], ...]]


class FixWriteError(Exception):
    """A fixed file could not be written; the original is untouched. One line for the user."""


def applicable(fix: Fix | None, unsafe: bool) -> bool:
    """Whether ``--fix`` applies this fix (``unsafe``: with ``--unsafe-fixes``)."""
    return fix is not None and (fix.applicability == SAFE or (unsafe and fix.applicability == UNSAFE))


# -- source-level helpers ------------------------------------------------------------------------------------------


def dominant_newline(source: bytes) -> bytes:
    """The line break most lines of ``source`` end with: ``\\r\\n``, ``\\n`` or a lone ``\\r`` (``\\n`` if none)."""
    crlf = source.count(b"\r\n")
    lf = source.count(b"\n") - crlf
    cr = source.count(b"\r") - crlf
    best = max((crlf, b"\r\n"), (lf, b"\n"), (cr, b"\r"), key=lambda p: p[0])
    return best[1] if best[0] > 0 else b"\n"


def normalise_newlines(text: str, newline: bytes) -> bytes:
    """Encode an edit's text with every line break written as ``newline``."""
    data = text.encode("utf-8")
    if b"\r" not in data and b"\n" not in data:
        return data
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data if newline == b"\n" else data.replace(b"\n", newline)


def syntax_error_count(root: Node) -> int:
    """ERROR and MISSING nodes in a tree (only subtrees that contain an error are walked)."""
    if not root.has_error:
        return 0
    count = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            count += 1
        stack.extend(c for c in node.children if c.has_error or c.is_missing)
    return count


def edits_valid(edits: Iterable[Edit], size: int) -> bool:
    """Edits inside the source, sorted and not overlapping each other (two inserts at one point are ambiguous)."""
    prev_end = -1
    prev_insert_at = -1
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if not (0 <= e.start <= e.end <= size) or e.start < prev_end:
            return False
        if e.start == e.end and e.start == prev_insert_at:
            return False
        prev_end = e.end
        prev_insert_at = e.start if e.start == e.end else -1
    return True


def apply_edits(source: bytes, edits: Iterable[Edit], newline: bytes = b"\n") -> bytes:
    """``source`` with non-overlapping ``edits`` applied (inserted text uses ``newline`` for its line breaks)."""
    out = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(source[pos : e.start])
        out.append(normalise_newlines(e.text, newline))
        pos = e.end
    out.append(source[pos:])
    return b"".join(out)


def _span(fix: Fix) -> tuple[int, int]:
    return min(e.start for e in fix.edits), max(e.end for e in fix.edits)


def _key(code: str, fix: Fix) -> FixKey:
    return code, tuple(sorted((e.start, e.end, e.text) for e in fix.edits))


def _shift(key: FixKey, applied: list[tuple[int, int, int]]) -> FixKey | None:
    """A rejected fix's key moved through edits applied elsewhere; None if an applied edit touched its span."""
    code, edits = key
    lo, hi = edits[0][0], max(e[1] for e in edits)
    delta = 0
    for start, end, new_len in applied:
        if end < lo or (end == lo and start < lo):
            delta += new_len - (end - start)
        elif start > hi:
            continue
        else:
            return None
    return code, tuple((s + delta, e + delta, t) for s, e, t in edits)


# -- one file --------------------------------------------------------------------------------------------------------


@dataclass
class FixedFile:
    """The outcome of fixing one buffer. ``original``/``fixed`` are the raw bytes (BOM included)."""

    path: str
    original: bytes
    fixed: bytes
    parsed: ParsedSource  # the parse of the fixed source
    findings: list[Finding]  # what remains after fixing (dropped fixes removed from their findings)
    applied: int = 0  # fixes applied
    dropped: list[str] = field(default_factory=list)  # one line per dropped fix
    converged: bool = True

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


def fix_source(path: str, raw: bytes, lint: Linter, *, unsafe: bool = False) -> FixedFile:
    """Apply every applicable fix that ``lint`` reports for ``raw``, to a fixpoint (see the module docstring)."""
    parsed = parse_source(path, raw)
    newline = dominant_newline(parsed.source)
    errors = syntax_error_count(parsed.root)
    rejected: set[FixKey] = set()
    dropped: list[str] = []
    applied_total = 0
    findings = lint(parsed)

    def pending() -> list[Finding]:
        return [
            f for f in findings
            if applicable(f.fix, unsafe) and _key(f.code, f.fix) not in rejected and _changes(parsed.source, f.fix)
        ]

    for _ in range(MAX_PASSES):
        candidates = pending()
        if not candidates:
            break
        chosen: list[Finding] = []
        last_end = -1
        for f in sorted(candidates, key=lambda f: (_span(f.fix), f.code)):
            if not f.fix.edits or not edits_valid(f.fix.edits, len(parsed.source)):
                rejected.add(_key(f.code, f.fix))
                dropped.append(_drop_line(f, "its edits overlap or fall outside the file"))
                continue
            start, end = _span(f.fix)
            if start <= last_end:  # touches a fix taken in this pass: recomputed in the next one
                continue
            chosen.append(f)
            last_end = end
        if not chosen:
            continue
        new_parsed, accepted = _apply_guarded(parsed, chosen, newline, errors, rejected, dropped)
        if not accepted:
            continue
        applied_total += len(accepted)
        spans = sorted((e.start, e.end, len(normalise_newlines(e.text, newline))) for f in accepted for e in f.fix.edits)
        rejected = {k for k in (_shift(k, spans) for k in rejected) if k is not None}
        parsed = new_parsed
        errors = syntax_error_count(parsed.root)
        findings = lint(parsed)
    converged = not pending()
    for f in findings:  # a fix that was dropped is not offered again
        if f.fix is not None and _key(f.code, f.fix) in rejected:
            f.fix = None
    fixed = (BOM if parsed.had_bom else b"") + parsed.source
    dropped = list(dict.fromkeys(dropped))  # a fix retried after its context changed is reported once
    return FixedFile(path, raw, fixed, parsed, findings, applied_total, dropped, converged)


def _apply_guarded(
    parsed: ParsedSource, chosen: list[Finding], newline: bytes, errors: int, rejected: set[FixKey], dropped: list[str]
) -> tuple[ParsedSource, list[Finding]]:
    """Apply ``chosen`` (non-overlapping) fixes; any fix that adds syntax errors is dropped and reported."""

    def reparse(fixes: list[Finding]) -> ParsedSource:
        source = apply_edits(parsed.source, [e for f in fixes for e in f.fix.edits], newline)
        return parse_source(parsed.path, (BOM if parsed.had_bom else b"") + source)

    candidate = reparse(chosen)
    if syntax_error_count(candidate.root) <= errors:
        return candidate, chosen
    # at least one fix breaks the syntax: try them one by one, keeping those that do not
    accepted: list[Finding] = []
    for f in chosen:
        trial = reparse(accepted + [f])
        if syntax_error_count(trial.root) <= errors:
            accepted.append(f)
        else:
            rejected.add(_key(f.code, f.fix))
            dropped.append(_drop_line(f, "it would break the syntax"))
    return (reparse(accepted) if accepted else parsed), accepted


def _changes(source: bytes, fix: Fix) -> bool:
    return any(source[e.start : e.end] != e.text.encode("utf-8") for e in fix.edits)


def _drop_line(f: Finding, why: str) -> str:
    return f"nango-lint: fix for {f.code} at {f.path}:{f.line}:{f.column} dropped: {why}"


# -- writing and showing ---------------------------------------------------------------------------------------------


def write_atomic(path: str, data: bytes) -> None:
    """Replace ``path``'s content with ``data``: temp file in the same folder, fsync, rename; mode kept.

    A symlink is followed (its target is replaced, the link stays); a file we may not write is refused, not replaced.
    On any failure the original is untouched, the temp file is removed and ``FixWriteError`` carries one line.
    """
    target = os.path.realpath(path)
    folder = os.path.dirname(target) or "."
    tmp = None
    try:
        info = os.stat(target)
        if not os.access(target, os.W_OK):  # a read-only file stays read-only, although its folder is writable
            raise PermissionError(13, "Permission denied")
        import tempfile

        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".nango-lint.tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(info.st_mode))
        if (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            try:  # keep the owner where we may (e.g. root fixing a user's file)
                os.chown(tmp, info.st_uid, info.st_gid)
            except OSError:
                pass
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise FixWriteError(f"{path}: cannot write the fixed file ({exc.strerror or exc}); it was left unchanged") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    try:  # make the rename durable; not every platform can open a folder
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    """A unified diff (``--- path`` / ``+++ path``) of two versions of a file; empty if they are equal."""
    if before == after:
        return ""
    # bytes.splitlines breaks on \n, \r\n and \r only (str.splitlines would also break on U+2028 and friends)
    a = [line.decode("utf-8", "replace") for line in before.splitlines(keepends=True)]
    b = [line.decode("utf-8", "replace") for line in after.splitlines(keepends=True)]
    out = []
    import difflib

    for i, line in enumerate(difflib.unified_diff(a, b, fromfile=path, tofile=path)):
        if i >= 2 and not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def shows_fix(finding: Finding, unsafe: bool) -> bool:
    """Whether the concise format marks ``finding`` with ``[*]``: a fix ``--fix`` would apply."""
    return applicable(finding.fix, unsafe)


def fixable_hint(findings: Iterable[Finding], unsafe: bool) -> str | None:
    """``N fixable with --fix (M more with --unsafe-fixes).``, or None when nothing is fixable."""
    safe = sum(1 for f in findings if f.fix is not None and f.fix.applicability == SAFE)
    more = sum(1 for f in findings if f.fix is not None and f.fix.applicability == UNSAFE)
    if unsafe:
        return f"{safe + more} fixable with --fix --unsafe-fixes." if safe + more else None
    if safe and more:
        return f"{safe} fixable with --fix ({more} more with --unsafe-fixes)."
    if safe:
        return f"{safe} fixable with --fix."
    if more:
        return f"{more} fixable with --fix --unsafe-fixes."
    return None


# -- the CLI stage ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FixMode:
    fix: bool = False
    unsafe: bool = False
    diff: bool = False

    @property
    def active(self) -> bool:
        return self.fix or self.diff


@dataclass
class FixRun:
    results: list  # FileResult, with the remaining findings of fixed files
    messages: list[str] = field(default_factory=list)  # stderr lines: dropped fixes, non-convergence
    diff: str = ""
    fixed_findings: int = 0
    changed_files: int = 0
    stdin_output: bytes | None = None  # the fixed stdin buffer (``-`` with --fix)

    def summary(self, mode: FixMode) -> str:
        verb = "Would fix" if mode.diff else "Fixed"
        if not self.fixed_findings:
            return "No fixes applied." if not mode.diff else "No fixes available."
        n, files = self.fixed_findings, self.changed_files
        return f"{verb} {n} finding{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}."


def apply_fixes(results: list, settings, mode: FixMode, explicit: dict[str, bool], stdin=None) -> FixRun:
    """Fix every result that has applicable fixes: write it (``--fix``) or diff it (``--diff``).

    ``stdin`` is ``(result, raw)`` for the ``-`` buffer: its fixed source goes to ``FixRun.stdin_output``, never to a
    file. A write failure becomes the result's one-line error (the file is untouched).
    """
    from nango_lint.engine import FileResult, lint_parsed
    from nango_lint.runner import read_target

    run = FixRun([])
    diffs = []
    stdin_result, stdin_raw = stdin if stdin is not None else (None, None)
    for r in results:
        is_stdin = r is stdin_result
        if is_stdin:
            run.stdin_output = stdin_raw
        if r.error or not any(applicable(f.fix, mode.unsafe) for f in r.findings):
            run.results.append(r)
            continue
        try:
            raw = stdin_raw if is_stdin else read_target(r.path)
        except OSError as exc:
            run.results.append(FileResult(r.path, r.findings, f"{r.path}: cannot read ({exc.strerror or exc})", r.parsed))
            continue
        is_explicit = explicit.get(r.path, True)

        def lint(parsed: ParsedSource, path=r.path, is_explicit=is_explicit) -> list[Finding]:
            return lint_parsed(path, parsed, settings(path) if callable(settings) else settings, explicit=is_explicit)

        fixed = fix_source(r.path, raw, lint, unsafe=mode.unsafe)
        run.messages.extend(fixed.dropped)
        if not fixed.converged:
            run.messages.append(f"nango-lint: fixes for {r.path} did not converge after {MAX_PASSES} passes")
        result = FileResult(r.path, fixed.findings, parsed=fixed.parsed)
        if fixed.changed:
            if mode.diff:
                diffs.append(unified_diff(r.path, fixed.original, fixed.fixed))
                result = r  # nothing was written: the findings are still those of the file
            elif is_stdin:
                run.stdin_output = fixed.fixed
            else:
                try:
                    write_atomic(r.path, fixed.fixed)
                except FixWriteError as exc:
                    run.results.append(FileResult(r.path, r.findings, str(exc), r.parsed))
                    continue
            run.fixed_findings += fixed.applied
            run.changed_files += 1
        run.results.append(result)
    run.diff = "".join(diffs)
    return run


def fix_stage(results: list, settings, mode: FixMode, targets: list, stdin, out) -> tuple[list, object, bool | None]:
    """The CLI's fix step: fix, write or diff, and say what happened on stderr.

    Returns the results to report, the stream to report on (stderr when the fixed stdin buffer is the output) and,
    for ``--diff``, whether any file would change (None otherwise: report as usual).
    """
    import sys

    import click

    fixed = apply_fixes(results, settings, mode, {t.path: t.explicit for t in targets}, stdin)
    for line in fixed.messages:
        click.echo(line, err=True)
    if mode.diff:
        out.write(fixed.diff)
        out.flush()
        click.echo(fixed.summary(mode), err=True)
        return fixed.results, out, bool(fixed.diff)
    if stdin is not None:
        sys.stdout.buffer.write(fixed.stdin_output)
        sys.stdout.flush()
        out = sys.stderr
    if fixed.fixed_findings:
        click.echo(fixed.summary(mode), err=True)
    return fixed.results, out, None
