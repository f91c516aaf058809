"""reviewdog's Diagnostic Format (rdjson): ``{source, diagnostics[]}``.

Positions are 1-based lines and 1-based UTF-8 *byte* columns, with an exclusive end (reviewdog's
``proto/rdf/reviewdog.proto``). Safe and unsafe fixes become ``suggestions``.
"""

from __future__ import annotations

import json
from typing import TextIO

from nango_lint.findings import Finding, Severity
from nango_lint.report import Report
from nango_lint.report.common import INFORMATION_URI, TOOL_NAME, relative_path, span

SEVERITY = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}


def _position(lines, byte: int) -> dict:
    return {"line": lines.line_of(byte) + 1, "column": lines.byte_column(byte)}


def _suggestions(f: Finding, sources: dict) -> list[dict]:
    parsed = sources.get(f.path)
    if f.fix is None or parsed is None:
        return []
    lines = parsed.lines
    return [{"range": {"start": _position(lines, e.start), "end": _position(lines, e.end)}, "text": e.text}
            for e in f.fix.edits]


def diagnostic(f: Finding, sources: dict) -> dict:
    s = span(f, sources, "byte")
    d = {
        "message": f.message,
        "location": {
            "path": relative_path(f.path),
            "range": {"start": {"line": s.line, "column": s.column}, "end": {"line": s.end_line, "column": s.end_column}},
        },
        "severity": SEVERITY[f.severity],
        "code": {"value": f.code},
    }
    suggestions = _suggestions(f, sources)
    if suggestions:
        d["suggestions"] = suggestions
    return d


def document(report: Report) -> dict:
    return {
        "source": {"name": TOOL_NAME, "url": INFORMATION_URI},
        "diagnostics": [diagnostic(f, report.sources) for f in report.findings],
    }


def write(report: Report, out: TextIO) -> None:
    json.dump(document(report), out, indent=2, ensure_ascii=False)
    out.write("\n")
