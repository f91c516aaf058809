"""One JSON object: ``{"version": 1, "findings": [...], "summary": {...}}`` (plus extra top-level keys)."""

from __future__ import annotations

import json
from typing import TextIO

from nango_lint.report import Report

SCHEMA_VERSION = 1


def document(report: Report) -> dict:
    doc = {
        "version": SCHEMA_VERSION,
        "findings": [f.as_dict() for f in report.findings],
        "summary": report.summary.as_dict(),
    }
    doc.update(report.extra)
    return doc


def write(report: Report, out: TextIO) -> None:
    json.dump(document(report), out, indent=2, ensure_ascii=False)
    out.write("\n")
