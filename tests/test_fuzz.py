"""A short coverage-guided fuzz run (atheris) of the parser-to-findings pipeline; developers run it for minutes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ROOT

pytest.importorskip("atheris")


def test_short_fuzz_run_finds_no_crash(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seeds = sorted((ROOT / "examples").rglob("*.ts")) + sorted((ROOT / "tests" / "fixtures").glob("NL*/*.ts"))
    for i, p in enumerate(seeds):
        (corpus / f"seed-{i}").write_bytes(p.read_bytes())
    proc = subprocess.run(
        [sys.executable, str(ROOT / "fuzz" / "fuzz_lint.py"), "-runs=1500", "-max_len=4096",
         f"-artifact_prefix={tmp_path}/", str(corpus)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Done 1500 runs" in proc.stderr
