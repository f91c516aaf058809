"""``--diff-base REF``: keep only findings on lines added or changed since ``git merge-base REF HEAD``.

Files are always linted whole; this is a filter on the report (golangci-lint's approach). Untracked files count as
wholly new. A finding is kept when any line of its span was added or changed. Limit: some findings are not local
(a ``saveCheckpoint`` deleted on one line makes ``getCheckpoint`` on an untouched line wrong), so the main branch
should still run the full lint.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field

from nango_lint.errors import UserError
from nango_lint.findings import Finding

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "r": "\r", "v": "\v"}
ALL = None  # a wholly new file: every line counts


class DiffBaseError(UserError):
    pass


def _git(args: list[str], cwd: str) -> bytes:
    try:
        proc = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=cwd, capture_output=True, timeout=120)
    except FileNotFoundError:
        raise DiffBaseError("--diff-base needs git, which is not installed") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise DiffBaseError(f"--diff-base: git failed ({exc})") from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _GitFailed(msg[0] if msg else f"git {args[0]} exited with {proc.returncode}")
    return proc.stdout


class _GitFailed(Exception):
    pass


def _unquote(path: str) -> str:
    """git's C-style quoting of unusual paths ("a\\tb.ts", octal UTF-8 bytes)."""
    if not (path.startswith('"') and path.endswith('"')):
        return path
    body, out, i = path[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in "01234567" and i + 3 < len(body):
                out += bytes([int(body[i + 1 : i + 4], 8)])
                i += 4
                continue
            out += _ESCAPES.get(nxt, nxt).encode()
            i += 2
            continue
        out += c.encode()
        i += 1
    return out.decode("utf-8", "surrogateescape")


def parse_diff(diff: bytes) -> dict[str, set[int]]:
    """``{path: {added or changed line numbers (1-based, new side)}}`` from ``git diff -U0`` output."""
    changed: dict[str, set[int]] = {}
    current: set[int] | None = None
    for raw in diff.split(b"\n"):
        if raw.startswith(b"+++ "):
            name = raw[4:].decode("utf-8", "surrogateescape").rstrip("\t")
            name = _unquote(name)
            if name == "/dev/null":
                current = None
                continue
            current = changed.setdefault(name[2:] if name.startswith("b/") else name, set())
            continue
        m = _HUNK.match(raw)
        if m and current is not None:
            start = int(m.group(1))
            count = int(m.group(2)) if m.group(2) is not None else 1
            current.update(range(start, start + count))
    return changed


@dataclass
class ChangedLines:
    root: str  # the repository's top folder
    lines: dict[str, set[int] | None] = field(default_factory=dict)  # repo-relative path -> lines (None: all)

    @classmethod
    def since(cls, ref: str, cwd: str = ".") -> "ChangedLines":
        try:
            root = _git(["rev-parse", "--show-toplevel"], cwd).decode("utf-8", "surrogateescape").strip()
        except _GitFailed:
            raise DiffBaseError(f"--diff-base: {os.path.abspath(cwd)} is not inside a git repository") from None
        try:
            base = _git(["merge-base", ref, "HEAD"], root).decode().strip()
        except _GitFailed as exc:
            raise DiffBaseError(f"--diff-base: cannot find the merge base of {ref!r} and HEAD ({exc})") from None
        try:
            diff = _git(["diff", "-U0", "--no-ext-diff", "--no-color", "--no-textconv", base, "--"], root)
            untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
        except _GitFailed as exc:
            raise DiffBaseError(f"--diff-base: git diff failed ({exc})") from None
        out = cls(root)
        out.lines.update(parse_diff(diff))
        for name in untracked.decode("utf-8", "surrogateescape").split("\0"):
            if name:
                out.lines[name] = ALL
        return out

    def touches(self, finding: Finding) -> bool:
        rel = os.path.relpath(os.path.realpath(finding.path), os.path.realpath(self.root)).replace(os.sep, "/")
        if rel not in self.lines:
            return False
        lines = self.lines[rel]
        if lines is ALL:
            return True
        return any(n in lines for n in range(finding.line, max(finding.line, finding.end_line) + 1))

    def filter(self, findings: list[Finding]) -> list[Finding]:
        return [f for f in findings if self.touches(f)]
