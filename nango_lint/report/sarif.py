"""SARIF 2.1.0 (one run), shaped for GitHub code scanning.

- ``tool.driver.rules[]`` is the whole rule catalog (id, name, short and full description, help as text and
  Markdown from ``--explain``, default level, category tag); ``ruleIndex`` points into it.
- Locations are relative URIs with ``uriBaseId: %SRCROOT%`` (percent-encoded, forward slashes); files outside the
  working directory get absolute ``file://`` URIs.
- Columns are UTF-16 code units (``columnKind: utf16CodeUnits``), 1-based, end exclusive.
- ``partialFingerprints["nangoLint/v1"]`` is stable across runs (rule, path, flagged text, occurrence index; no line
  numbers). ``upload-sarif`` adds GitHub's own ``primaryLocationLineHash``.
"""

from __future__ import annotations

import json
from typing import TextIO

from nango_lint import __version__
from nango_lint.report import Report
from nango_lint.report.common import (
    FINGERPRINT_KEY, INFORMATION_URI, SARIF_LEVEL, TOOL_NAME, fingerprints, span, uri_for,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
DESCRIPTION_LIMIT = 1024  # GitHub's limit for shortDescription / fullDescription


def _limit(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def rule_descriptors() -> list[dict]:
    from nango_lint.registry import catalog

    out = []
    for rule in catalog():
        explain = rule.explain()
        out.append({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": _limit(rule.summary)},
            "fullDescription": {"text": _limit(rule.docs.what)},
            "help": {"text": explain, "markdown": explain},
            "defaultConfiguration": {"level": SARIF_LEVEL[rule.default_severity], "enabled": rule.default_enabled},
            "properties": {"tags": [rule.category], "precision": "high", "problem.severity": SARIF_LEVEL[rule.default_severity]},
        })
    return out


def document(report: Report) -> dict:
    rules = rule_descriptors()
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for f, fp in zip(report.findings, fingerprints(report.findings, report.sources)):
        s = span(f, report.sources, "utf16")
        uri, relative = uri_for(f.path)
        artifact = {"uri": uri, "uriBaseId": "%SRCROOT%"} if relative else {"uri": uri}
        result = {"ruleId": f.code}
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        result.update({
            "level": SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": artifact,
                "region": {"startLine": s.line, "startColumn": s.column, "endLine": s.end_line, "endColumn": s.end_column},
            }}],
            "partialFingerprints": {FINGERPRINT_KEY: fp},
        })
        results.append(result)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    }


def write(report: Report, out: TextIO) -> None:
    json.dump(document(report), out, indent=2, ensure_ascii=False)
    out.write("\n")
