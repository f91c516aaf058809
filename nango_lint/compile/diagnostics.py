"""``nango compile`` output -> NL910 findings on the user's own files and lines.

The CLI prints each problem as ``err - <path>[:<line>[:<col>]] \\r\\n  <message>\\r\\n`` (1-based). Type errors go to
stdout with a project-relative path; build (Babel) errors go to stderr with a ``./`` path and a line only; definition
errors go to stdout with a ``./`` path and no position. A line-1 problem has no position at all (the CLI drops a
0-based line 0), so it maps to line 1. Streams are parsed separately, never interleaved.

Outcomes: exit 0 with ``✓ Compiled`` = success; exit 10 = compile failure (findings; one file-level finding with
the first lines of output when nothing parses); anything else is a tool failure (CompileToolError, exit 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nango_lint.compile.errors import CompileToolError
from nango_lint.compile.project import Project
from nango_lint.compile.runner import CompileOutput
from nango_lint.findings import Finding, Severity
from nango_lint.positions import LineIndex

CODE = "NL910"
DEFAULT_NAME = "remote-compile-error"
EXIT_COMPILE_FAILED = 10
SUCCESS_MARK = "✓ Compiled"
HEADER = re.compile(r"^err - (?P<path>.+?)(?::(?P<line>\d+)(?::(?P<col>\d+))?)?\s*$")
STOP = re.compile(
    r"^(?:\S+ (?:Typechecking|Failed to build|Failed to compile definitions|Building|Generating artifacts|Compiled)"
    r"|Found \d+ errors?)"
)
STAGE = re.compile(r"^✗ (?P<stage>.+?)\s*$")
MAX_FALLBACK_LINES = 3


@dataclass(frozen=True)
class Diagnostic:
    path: str  # as printed, without a leading "./"
    line: int | None  # 1-based; None when the CLI printed no position
    column: int | None
    message: str
    stream: str  # "stdout" or "stderr"
    stage: str = "typecheck"  # "typecheck", "build" or "definitions"


def parse(text: str, stream: str = "stdout") -> list[Diagnostic]:
    """The ``err -`` blocks of one output stream."""
    out: list[Diagnostic] = []
    current: dict | None = None
    stage = "build" if stream == "stderr" else "typecheck"

    def close() -> None:
        nonlocal current
        if current is not None:
            out.append(Diagnostic(current["path"], current["line"], current["col"],
                                  "\n".join(current["lines"]).rstrip(), stream, stage))
            current = None

    for raw in text.replace("\r\n", "\n").replace("\r", "").split("\n"):
        m = HEADER.match(raw)
        if m:
            close()
            path = m.group("path").strip()
            path = path[2:] if path.startswith("./") else path
            current = {"path": path, "line": int(m.group("line")) if m.group("line") else None,
                       "col": int(m.group("col")) if m.group("col") else None, "lines": []}
            continue
        if "Failed to compile definitions" in raw:
            stage = "definitions"
        if current is None:
            continue
        if not raw.strip() or STOP.match(raw):
            close()
            continue
        current["lines"].append(raw[2:] if not current["lines"] and raw.startswith("  ") else raw)
    close()
    return out


def succeeded(output: CompileOutput) -> bool:
    return output.returncode == 0 and SUCCESS_MARK in output.stdout


def to_findings(output: CompileOutput, project: Project, name: str = DEFAULT_NAME) -> list[Finding]:
    """The findings of one run: none on success, at least one on a compile failure; raises on a tool failure."""
    if succeeded(output):
        return []
    if output.returncode != EXIT_COMPILE_FAILED:
        what = f"exited with code {output.returncode}" if output.returncode != 0 else "exited 0 without compiling"
        first = _first_lines(output, 1)
        raise CompileToolError(
            f"nango compile {what}" + (f" ({first[0]})" if first else "")
            + "; run again, and report it if it persists (the local compiler is nango@" + _version() + ")"
        )
    diagnostics = parse(output.stdout, "stdout") + parse(output.stderr, "stderr")
    findings = [_finding(d, project, name) for d in diagnostics]
    if not findings:
        findings.append(_fallback(output, project, name))
    return findings


def _finding(d: Diagnostic, project: Project, name: str) -> Finding:
    rel = _lookup(d.path, project)
    message = d.message or "nango compile reported an error here"
    if rel is None:  # a file we did not copy (should not happen): keep its name in the message
        rel = project.entries[0]
        message = f"{d.path}: {message}"
        line, col = 1, 1
    else:
        line, col = d.line or 1, d.column or 1
    return _make(project, rel, line, col, message, name, d.stage)


def _fallback(output: CompileOutput, project: Project, name: str) -> Finding:
    """Exit 10 but no ``err -`` block (an import-time throw, no default export...): one file-level finding."""
    text = output.stdout + "\n" + output.stderr
    rel = next((r for r in project.entries if _mentioned(r, text)), project.entries[0])
    stages = [m.group("stage") for line in output.stdout.splitlines() if (m := STAGE.match(line.strip()))]
    lines = _first_lines(output, MAX_FALLBACK_LINES)
    head = f"nango compile failed ({stages[-1]})" if stages else "nango compile failed"
    message = head + (": " + "\n".join(lines) if lines else "")
    return _make(project, rel, 1, 1, message, name, "runtime")


def _make(project: Project, rel: str, line: int, col: int, message: str, name: str, stage: str) -> Finding:
    copied = project.files[rel]
    index = LineIndex(copied.source)
    line = max(1, min(line, index.line_count))
    col = _char_column(index.line_text(line - 1), col)
    start = index.offset(line, col)
    return Finding(copied.display, line, col, line, col, CODE, name, Severity.ERROR, message, start, start,
                   extra={"compiler": "local", "stage": stage})


def _char_column(line_text: str, utf16_col: int) -> int:
    """TypeScript counts UTF-16 code units; findings use characters."""
    units = 0
    for i, ch in enumerate(line_text):
        if units >= utf16_col - 1:
            return i + 1
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line_text) + 1  # at or past the end of the line


def _lookup(path: str, project: Project) -> str | None:
    path = path.replace("\\", "/")
    if path in project.files:
        return path
    for js, ts in ((".js", (".ts", ".tsx")), (".mjs", (".mts",)), (".cjs", (".cts",))):
        if path.endswith(js):
            for ext in ts:
                cand = path[: -len(js)] + ext
                if cand in project.files:
                    return cand
    root = str(project.root).replace("\\", "/").rstrip("/") + "/"
    if path.startswith(root):  # an absolute path inside the project
        return _lookup(path[len(root):], project)
    return None


def _mentioned(rel: str, text: str) -> bool:
    stem = rel.rsplit(".", 1)[0]
    return f"{stem}." in text or f"{stem.replace('/', '_')}.cjs" in text


def _first_lines(output: CompileOutput, n: int) -> list[str]:
    """The first meaningful lines: stderr without stack frames, else stdout without progress lines."""
    err = [ln.strip() for ln in output.stderr.splitlines() if ln.strip() and not ln.lstrip().startswith("at ")]
    if err:
        return err[:n]
    out = [ln.strip() for ln in output.stdout.splitlines()
           if ln.strip() and not ln.startswith(("✓", "  Building", "- ")) and not STAGE.match(ln.strip())]
    return out[:n]


def _version() -> str:
    from nango_lint.compile.toolchain import NANGO_VERSION

    return NANGO_VERSION
