"""GitLab Code Quality report: a JSON array of Code Climate issues.

Severity: error -> major, warning -> minor, info -> info, and a file that does not parse (NL900) -> critical.
Fingerprints are stable across runs (no line numbers) and unique per finding: GitLab merges issues with equal
fingerprints into one. Paths are relative to ``$CI_PROJECT_DIR`` when it is set, else to the working directory.
"""

from __future__ import annotations

import json
import os
from typing import TextIO

from nango_lint.findings import Finding, Severity
from nango_lint.report import Report
from nango_lint.report.common import fingerprints, relative_path, span

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
CRITICAL_RULES = frozenset({"NL900"})


def severity(f: Finding) -> str:
    return "critical" if f.code in CRITICAL_RULES else SEVERITY[f.severity]


def issues(report: Report) -> list[dict]:
    base = os.environ.get("CI_PROJECT_DIR") or None
    out = []
    for f, fp in zip(report.findings, fingerprints(report.findings, report.sources)):
        s = span(f, report.sources, "char")
        out.append({
            "type": "issue",
            "description": f"{f.code} {f.name}: {f.message}",
            "check_name": f.code,
            "fingerprint": fp,
            "severity": severity(f),
            "location": {
                "path": relative_path(f.path, base),
                "lines": {"begin": s.line, "end": s.end_line},
                "positions": {"begin": {"line": s.line, "column": s.column},
                              "end": {"line": s.end_line, "column": s.end_column}},
            },
        })
    return out


def write(report: Report, out: TextIO) -> None:
    json.dump(issues(report), out, indent=2, ensure_ascii=False)
    out.write("\n")
