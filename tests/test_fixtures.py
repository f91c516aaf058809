"""Semgrep-style fixtures: ``// ruleid: NL202`` above a line that must be reported, ``// ok: NL202`` above one that
must not be. Every rule with a fixture folder is checked on the exact set of (rule, line) pairs."""

from __future__ import annotations

import pytest

from nango_lint.engine import lint_source
from nango_lint.registry import catalog
from tests.helpers import FIXTURES, parse_annotations, settings_for, virtual_path

CASES = sorted(p for p in FIXTURES.glob("NL*/*.ts") if not p.name.endswith(".fixed.ts"))


def _rule_dir_code(path) -> str:
    return path.parent.name


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_fixture(case):
    source = case.read_text(encoding="utf-8")
    ann = parse_annotations(source)
    code = _rule_dir_code(case)
    rule = catalog().get(code)
    assert rule is not None, f"fixture folder {code} names no rule"
    # the folder's rule plus any rule the file annotates explicitly
    codes = {code} | {c for kind in ann.values() for c, _ in kind}
    result = lint_source(virtual_path(source, case), source.encode(), settings_for(*codes))
    got = {(f.code, f.line) for f in result.findings if f.code in codes}
    expected = ann["ruleid"] | ann["todook"]
    missing = expected - got
    unexpected = (got - expected) - ann["todoruleid"]
    flagged_ok = got & ann["ok"]
    assert not missing, f"expected findings not reported: {sorted(missing)}"
    assert not unexpected, f"unexpected findings: {sorted(unexpected)}"
    assert not flagged_ok, f"lines marked ok were reported: {sorted(flagged_ok)}"


def test_every_rule_folder_has_a_ruleid_case():
    for folder in sorted(p for p in FIXTURES.glob("NL*") if p.is_dir()):
        sources = [p.read_text(encoding="utf-8") for p in folder.glob("*.ts") if not p.name.endswith(".fixed.ts")]
        assert sources, f"{folder.name} has no fixture"
        assert any(parse_annotations(s)["ruleid"] for s in sources), f"{folder.name} has no `ruleid:` case"


def test_every_enabled_rule_has_fixtures():
    missing = [r.code for r in catalog() if not (FIXTURES / r.code).is_dir() and r.code not in ("NL901", "NL902", "NL903", "NL910", "NL911")]
    assert not missing, f"rules without a fixtures folder: {missing}"


FIX_CASES = [p for p in CASES if p.with_name(p.stem + ".fixed.ts").exists()]


def _fix_folder_rule(case, source: bytes):
    """``case`` with every fix of its folder's rule applied (unsafe ones included), to a fixpoint."""
    from nango_lint.engine import lint_parsed
    from nango_lint.fixes import fix_source

    path = virtual_path(source.decode("utf-8"), case)
    settings = settings_for(_rule_dir_code(case))
    return fix_source(path, source, lambda parsed: lint_parsed(path, parsed, settings), unsafe=True)


@pytest.mark.parametrize("case", FIX_CASES, ids=[f"{p.parent.name}/{p.name}" for p in FIX_CASES])
def test_fixture_fixes(case):
    expected = case.with_name(case.stem + ".fixed.ts").read_bytes()
    fixed = _fix_folder_rule(case, case.read_bytes())
    assert not fixed.dropped, fixed.dropped
    assert fixed.fixed.decode() == expected.decode(), "the fixed source differs from the .fixed.ts file"
    again = _fix_folder_rule(case, fixed.fixed)
    assert again.fixed == fixed.fixed and again.applied == 0, "fixing the fixed file changed it again"


def test_fix_fixtures_exist_for_fixable_rules():
    fixable = {r.code for r in catalog() if r.fix != "none"}
    with_fixed = {p.parent.name for p in FIX_CASES}
    assert fixable <= with_fixed, f"fixable rules without a .fixed.ts fixture: {sorted(fixable - with_fixed)}"
