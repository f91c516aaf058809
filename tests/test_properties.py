"""Property tests: any text and any mutation of a valid function never raise, the JSON report always validates,
and findings are deterministic (same input, same output; any file order; serial or parallel)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from nango_lint.engine import lint_source
from nango_lint.registry import catalog
from nango_lint.report import Report, Summary
from nango_lint.report.json_report import document
from nango_lint.settings import Settings
from tests.helpers import ROOT

SCHEMA = json.loads((ROOT / "nango_lint" / "report" / "report.schema.json").read_text())
ALL = Settings(enabled=frozenset(r.code for r in catalog()), all_rules_enabled=True)
SEEDS = sorted(p for p in (ROOT / "examples").rglob("*.ts")) + sorted(
    p for p in (ROOT / "tests" / "fixtures").glob("NL*/*.ts") if not p.name.endswith(".fixed.ts")
)
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]
TOKENS = ["{", "}", "(", ")", "[", "]", ";", ",", "`", "'", '"', "/*", "*/", "//", "\n", "\r\n", "\r", "\t",
          "${", "=>", "await ", "nango.", "getCheckpoint()", "saveCheckpoint({})", "retries: 99", "...", "as const",
          "🚀", "漢", "\ufeff", "\x00", "export default ", "createSync(", "<T>", "?.", "??"]


def _lint_and_report(path: str, data: bytes) -> dict:
    res = lint_source(path, data, ALL)
    doc = document(Report(res.findings, Summary.of(1, res.findings), {}, {}))
    jsonschema.validate(doc, SCHEMA)
    return doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from(["acme/syncs/x.ts", "acme/actions/x.tsx", "x.mts"]))
def test_arbitrary_bytes_never_raise(data, path):
    _lint_and_report(path, data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=1500))
def test_arbitrary_text_never_raises(text):
    _lint_and_report("acme/syncs/x.ts", text.encode("utf-8", "surrogatepass"))


@st.composite
def mutated_function(draw):
    src = draw(st.sampled_from(SEED_TEXTS))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "truncate"]))
        if not src:
            break
        i = draw(st.integers(0, len(src)))
        if op == "delete":
            j = draw(st.integers(i, min(len(src), i + 40)))
            src = src[:i] + src[j:]
        elif op == "insert":
            src = src[:i] + draw(st.sampled_from(TOKENS)) + src[i:]
        elif op == "duplicate":
            j = draw(st.integers(i, min(len(src), i + 80)))
            src = src[:j] + src[i:j] + src[j:]
        else:
            src = src[:i]
    return src


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_function())
def test_mutations_of_valid_functions_never_raise_and_are_deterministic(src):
    data = src.encode("utf-8", "surrogatepass")
    first = _lint_and_report("acme/syncs/x.ts", data)
    again = _lint_and_report("acme/syncs/x.ts", data)
    assert first == again


@pytest.mark.slow
def test_same_findings_in_any_order_serial_or_parallel(tmp_path):
    files = []
    for i, text in enumerate(SEED_TEXTS[:40]):
        kind = "actions" if "createAction" in text else "syncs"
        p = tmp_path / f"integ{i % 5}" / kind / f"f{i}.ts"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        files.append(str(p))
    # enough files for the process pool to kick in when asked
    for i in range(80):
        p = tmp_path / "bulk" / "syncs" / f"b{i}.ts"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(SEED_TEXTS[i % len(SEED_TEXTS)], encoding="utf-8")
        files.append(str(p))

    def run(args):
        proc = subprocess.run([sys.executable, "-m", "nango_lint", "--format", "json", *args], capture_output=True, text=True)
        assert proc.returncode in (0, 1), proc.stderr
        return json.loads(proc.stdout)

    serial = run(["-j", "1", *files])
    parallel = run(["-j", "2", *files])
    reversed_ = run(["-j", "2", *reversed(files)])
    folder = run([str(tmp_path)])
    assert serial == parallel == reversed_
    assert folder["findings"] == serial["findings"]
    jsonschema.validate(serial, SCHEMA)
