"""Turning the server's text into findings and numbers.

Compile errors arrive as the Nango CLI's text (research/local-compile.md §5, nango-remote-api.md §1.4):
``err - <path>:<line>:<col> \\r\\n  <message>\\r\\n``. The path is the server's copy of the user's file
(``function/functions/function.ts`` for a compile, ``<integration>/<actions|syncs>/function.ts`` or
``.../<function_name>.ts`` for a dryrun or deploy), so diagnostics map back to the user's file and line unchanged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from nango_lint.findings import Finding, Severity
from nango_lint.parsing import ParsedSource

ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
HEADER_RE = re.compile(r"^err - (?P<path>.+?)(?::(?P<line>\d+)(?::(?P<col>\d+))?)?\s*$")
STOP_RE = re.compile(
    r"^(?:\S+ (?:Typechecking|Failed to build|Failed to compile definitions|Building|Generating artifacts|Compiled)"
    r"|Found \d+ errors?)"
)
COUNTS_MARKER = "The dry run would produce the following results:"
FINDING_MESSAGE_LIMIT = 600


@dataclass(frozen=True)
class Diagnostic:
    path: str  # as the server printed it, without a leading ./
    line: int | None  # 1-based; None when the CLI printed no position (line 1, or a definition error)
    column: int | None
    message: str


def clean(text: str) -> str:
    return ANSI_RE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def parse_compile_errors(text: str) -> list[Diagnostic]:
    """Every ``err - path[:line[:col]]`` block in ``text``, with its (possibly multi-line) message."""
    out: list[Diagnostic] = []
    lines = clean(text).split("\n")
    i = 0
    while i < len(lines):
        m = HEADER_RE.match(lines[i])
        if not m:
            i += 1
            continue
        body: list[str] = []
        i += 1
        while i < len(lines):
            line = lines[i]
            if not line.strip() or STOP_RE.match(line) or HEADER_RE.match(line):
                break
            body.append(line[2:] if not body and line.startswith("  ") else line)
            i += 1
        # Continuation lines keep TypeScript's own indentation (two spaces per level below the first line).
        message = "\n".join(body).strip("\n") or "(no message)"
        out.append(
            Diagnostic(
                m.group("path").removeprefix("./"),
                int(m.group("line")) if m.group("line") else None,
                int(m.group("col")) if m.group("col") else None,
                message,
            )
        )
    return out


def is_users_file(server_path: str, function_name: str | None) -> bool:
    """Whether the server path is its copy of the one file we sent (the server names it ``function`` or by name)."""
    parts = server_path.split("/")
    if len(parts) != 3 or not parts[2].endswith(".ts"):
        return False
    stem = parts[2][: -len(".ts")]
    return stem == "function" or (function_name is not None and stem == function_name)


def _shorten(text: str, limit: int = FINDING_MESSAGE_LIMIT) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _finding(parsed: ParsedSource, path: str, line: int, column: int, code: str, name: str, message: str) -> Finding:
    start = parsed.lines.offset(line, column)
    line, column = parsed.lines.position(start)
    return Finding(path, line, column, line, column, code, name, Severity.ERROR, message, start, start)


def compile_findings(
    diagnostics: list[Diagnostic], raw: str, parsed: ParsedSource, path: str, function_name: str | None, step: str
) -> list[Finding]:
    """NL910 findings on the user's file; one file-level finding with the first lines when nothing parsed."""
    from nango_lint.registry import catalog

    name = catalog().rules["NL910"].name if "NL910" in catalog().rules else "remote-compile-error"
    findings = []
    for d in diagnostics:
        message = d.message
        if not is_users_file(d.path, function_name):
            message = f"[{d.path}] {message}"
        findings.append(_finding(parsed, path, d.line or 1, d.column or 1, "NL910", name,
                                 _shorten(f"Remote {step}: {message}")))
    if not findings:
        lines = [ln for ln in clean(raw).split("\n") if ln.strip()][:5]
        text = "\n".join(lines) or "the server reported a compilation error without details"
        findings.append(_finding(parsed, path, 1, 1, "NL910", name, _shorten(f"Remote {step}: {text}")))
    return findings


def default_export_position(parsed: ParsedSource) -> tuple[int, int]:
    """1-based position of ``export default`` (where a failed dryrun is reported), else the file's start."""
    for child in parsed.root.children:
        if child.type == "export_statement" and any(c.type == "default" for c in child.children):
            return parsed.lines.position(child.start_byte)
    return 1, 1


def dryrun_finding(parsed: ParsedSource, path: str, code: str, message: str) -> Finding:
    from nango_lint.registry import catalog

    name = catalog().rules["NL911"].name if "NL911" in catalog().rules else "remote-dryrun-failed"
    line, column = default_export_position(parsed)
    lines = [ln for ln in clean(message).split("\n") if ln.strip()]
    text = "\n".join(lines) or "no message"
    return _finding(parsed, path, line, column, "NL911", name, _shorten(f"Remote dryrun failed ({code}): {text}"))


def sync_counts(output: str | None) -> dict | None:
    """``{"added", "updated", "deleted"}`` (and ``models`` when the CLI counted per model) from a sync's dryrun
    output, or None when the output has no counts line."""
    if not output:
        return None
    text = clean(output)
    at = text.find(COUNTS_MARKER)
    if at < 0:
        return None
    rest = text[at + len(COUNTS_MARKER):]
    brace = rest.find("{")
    if brace < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(rest[brace:])
    except json.JSONDecodeError:
        return None
    if not isinstance(value, dict):
        return None
    keys = ("added", "updated", "deleted")
    if all(isinstance(value.get(k), int) for k in keys):
        return {k: value[k] for k in keys}
    models = {m: v for m, v in value.items() if isinstance(v, dict) and all(isinstance(v.get(k), int) for k in keys)}
    if models:
        totals = {k: sum(v[k] for v in models.values()) for k in keys}
        return {**totals, "models": {m: {k: v[k] for k in keys} for m, v in models.items()}}
    return None
