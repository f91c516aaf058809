"""Reporters: each turns the findings of a run into one output format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TextIO

from nango_lint.findings import Finding, Severity


@dataclass
class Summary:
    files: int
    errors: int = 0
    warnings: int = 0
    infos: int = 0

    @classmethod
    def of(cls, files: int, findings: list[Finding]) -> "Summary":
        s = cls(files)
        for f in findings:
            if f.severity == Severity.ERROR:
                s.errors += 1
            elif f.severity == Severity.WARNING:
                s.warnings += 1
            else:
                s.infos += 1
        return s

    def as_dict(self) -> dict:
        return {"files": self.files, "errors": self.errors, "warnings": self.warnings, "infos": self.infos}


@dataclass
class Report:
    findings: list[Finding]
    summary: Summary
    sources: dict  # path -> ParsedSource (for formats that show code); may be empty
    extra: dict  # additional top-level data (e.g. the remote pass) for machine formats
    unsafe_fixes: bool = False  # --unsafe-fixes: unsafe fixes count as available (the `[*]` mark, the fix hint)


Reporter = Callable[[Report, TextIO], None]


def reporter(name: str) -> Reporter:
    from importlib import import_module

    module = FORMATS[name]
    return import_module(f"nango_lint.report.{module}").write


FORMATS = {
    "concise": "concise",
    "full": "full",
    "json": "json_report",
    "json-lines": "json_lines",
    "github": "github",
    "sarif": "sarif",
    "gitlab": "gitlab",
    "rdjson": "rdjson",
}
