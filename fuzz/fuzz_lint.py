#!/usr/bin/env python3
"""Coverage-guided fuzz target (atheris / libFuzzer) for the parser-to-findings pipeline.

    python fuzz/fuzz_lint.py [libFuzzer flags] [CORPUS_DIR...]
    python fuzz/fuzz_lint.py -max_total_time=600 fuzz/corpus     # ten minutes

Each input is linted as a sync, an action and a .tsx file with every rule enabled, rendered as JSON, and checked:
no exception, findings inside the file, 1-based positions, start before end. Seeds: the repo's examples and
fixtures (copied into the corpus folder you pass, or used directly when none is given).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from nango_lint.engine import lint_source
    from nango_lint.registry import catalog
    from nango_lint.report import Report, Summary
    from nango_lint.report.json_report import document
    from nango_lint.settings import Settings

SETTINGS = Settings(enabled=frozenset(r.code for r in catalog()), all_rules_enabled=True)
PATHS = ("acme/syncs/fuzz.ts", "acme/actions/fuzz.ts", "acme/actions/fuzz.tsx")


def check(data: bytes) -> None:
    for path in PATHS:
        result = lint_source(path, data, SETTINGS)
        line_count = data.count(b"\n") + data.count(b"\r") + 1
        for f in result.findings:
            assert 1 <= f.line <= f.end_line <= line_count + 1, (f, line_count)
            assert f.column >= 1 and f.end_column >= 1
            assert f.line < f.end_line or f.column <= f.end_column, f
            assert f.message and f.code.startswith("NL")
        json.dumps(document(Report(result.findings, Summary.of(1, result.findings), {}, {})))


def TestOneInput(data: bytes) -> None:  # noqa: N802 (libFuzzer's name)
    check(data)


def seeds() -> list[Path]:
    root = Path(__file__).resolve().parent.parent
    return sorted(p for p in list((root / "examples").rglob("*.ts")) + list((root / "tests" / "fixtures").rglob("*.ts")))


if __name__ == "__main__":
    args = sys.argv[:]
    if not any(not a.startswith("-") for a in args[1:]):
        # no corpus folder given: seed a temporary one from the repo
        import tempfile

        corpus = Path(tempfile.mkdtemp(prefix="nango-lint-fuzz-"))
        for i, p in enumerate(seeds()):
            (corpus / f"seed-{i}").write_bytes(p.read_bytes())
        args.append(str(corpus))
    atheris.Setup(args, TestOneInput)
    atheris.Fuzz()
