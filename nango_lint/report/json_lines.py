"""One JSON object per finding per line (the ``json`` format's finding objects); nothing when there are none."""

from __future__ import annotations

import json
from typing import TextIO

from nango_lint.report import Report


def write(report: Report, out: TextIO) -> None:
    for f in report.findings:
        out.write(json.dumps(f.as_dict(), ensure_ascii=False, separators=(",", ":")) + "\n")
