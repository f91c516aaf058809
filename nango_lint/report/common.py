"""What several machine formats share: relative paths, column units, fingerprints, rule metadata."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from nango_lint.findings import Finding, Severity
from nango_lint.positions import LineIndex

TOOL_NAME = "nango-lint"
# nango-lint has no public home page yet; the machine formats point at the documentation of what it checks.
INFORMATION_URI = "https://docs.nango.dev/"
FINGERPRINT_KEY = "nangoLint/v1"
SNIPPET_LIMIT = 256  # characters of normalized flagged text that go into a fingerprint

_WS = re.compile(r"\s+")


def relative_path(path: str, base: str | None = None) -> str:
    """``path`` relative to ``base`` (default: the working directory) with forward slashes; paths outside ``base``
    stay absolute (still with forward slashes)."""
    base = base or os.getcwd()
    if os.path.isabs(path):
        try:
            rel = os.path.relpath(path, base)
        except ValueError:  # another drive on Windows
            rel = path
        if not rel.startswith(".." + os.sep) and rel != "..":
            path = rel
    path = path.replace(os.sep, "/") if os.sep != "/" else path
    while path.startswith("./"):
        path = path[2:]
    return path


def uri_for(path: str) -> tuple[str, bool]:
    """A URI for a finding's file: ``(uri, relative)``. Relative URIs are percent-encoded path references (``:``
    must be encoded so that ``a:b/x.ts`` is not read as a scheme); files outside the working directory get an
    absolute ``file://`` URI."""
    rel = relative_path(path)
    if PurePosixPath(rel).is_absolute() or os.path.isabs(rel):
        return Path(rel).resolve().as_uri(), False
    return quote(rel, safe="/!$&'()*+,;=@"), True


@dataclass(frozen=True, slots=True)
class Span:
    """A finding's span in one column unit (1-based; the end is exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int


def byte_range(finding: Finding, lines: LineIndex) -> tuple[int, int]:
    """The finding's ``[start, end)`` byte offsets. The recorded bytes are used when they agree with the recorded
    line and character column (always true for findings from rules); otherwise (a finding built by hand) they
    are recomputed from line and column."""
    start, end = finding.start_byte, finding.end_byte
    if 0 <= start <= end <= len(lines.source) and lines.position(start) == (finding.line, finding.column) \
            and lines.position(end) == (finding.end_line, finding.end_column):
        return start, end
    return lines.offset(finding.line, finding.column), lines.offset(finding.end_line, finding.end_column)


def span(finding: Finding, sources: dict, unit: str) -> Span:
    """The span in ``unit``: ``"char"`` (code points), ``"utf16"`` (UTF-16 code units) or ``"byte"`` (UTF-8
    bytes). Without the parsed source, character columns are the best available answer."""
    parsed = sources.get(finding.path)
    if parsed is None or unit == "char":
        return Span(finding.line, finding.column, finding.end_line, finding.end_column)
    lines: LineIndex = parsed.lines
    start, end = byte_range(finding, lines)
    col = lines.utf16_column if unit == "utf16" else lines.byte_column
    return Span(finding.line, col(start), finding.end_line, col(end))


def flagged_text(finding: Finding, sources: dict) -> str:
    """Whitespace-normalized text of what the finding flags (its node, or its line for an empty span), capped so a
    finding on a whole function body does not change whenever the body does. Falls back to the message."""
    parsed = sources.get(finding.path)
    if parsed is None:
        return _WS.sub(" ", finding.message).strip()
    lines: LineIndex = parsed.lines
    start, end = byte_range(finding, lines)
    text = lines.source[start:end].decode("utf-8", "replace")
    if not text.strip():
        text = lines.line_text(lines.line_of(start))
    return _WS.sub(" ", text).strip()[:SNIPPET_LIMIT]


def fingerprints(findings: list[Finding], sources: dict) -> list[str]:
    """One stable fingerprint per finding: a hash of (rule, relative path, normalized flagged text, occurrence
    index among findings with the same three). No line numbers, so code moving up or down keeps its fingerprint;
    the occurrence index makes fingerprints unique within a run."""
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for f in findings:
        key = (f.code, relative_path(f.path), flagged_text(f, sources))
        index = seen.get(key, 0)
        seen[key] = index + 1
        digest = hashlib.sha256("\0".join((*key, str(index))).encode("utf-8", "surrogatepass"))
        out.append(digest.hexdigest()[:32])
    return out


def by_severity(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then infos; the original (path, line) order within each."""
    return sorted(findings, key=lambda f: -int(f.severity))


SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
