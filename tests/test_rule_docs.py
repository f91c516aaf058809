"""Every rule is documented, and its documented examples behave as documented (they are tests)."""

from __future__ import annotations

import pytest

from nango_lint.engine import lint_source
from nango_lint.registry import catalog
from tests.helpers import settings_for

RULES = list(catalog())
EXAMPLES = [(r, i, e) for r in RULES for i, e in enumerate(r.examples)]


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_has_docs_and_both_kinds_of_examples(rule):
    assert rule.docs.what.strip() and rule.docs.why.strip() and rule.docs.fix_safety.strip()
    kinds = {e.kind for e in rule.examples}
    assert kinds == {"incorrect", "correct"}, f"{rule.code} needs an incorrect and a correct example"
    assert rule.summary and len(rule.summary) <= 1024
    text = rule.explain()
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Fix safety"):
        assert heading in text


@pytest.mark.parametrize("rule", [r for r in RULES if r.remote_only], ids=lambda r: r.code)
def test_remote_only_rules_have_no_static_checker(rule):
    assert rule.checker is None and rule.query is None, f"{rule.code} is remote-only, so it cannot have a checker"
    for example in rule.examples:  # a static lint never reports a remote-only rule, even on its incorrect example
        result = lint_source(example.file_path(), example.code.encode(), settings_for(rule.code))
        assert not [f for f in result.findings if f.code == rule.code]


@pytest.mark.parametrize("rule,index,example", EXAMPLES, ids=[f"{r.code}-{i}-{e.kind}" for r, i, e in EXAMPLES])
def test_doc_example(rule, index, example):
    if rule.remote_only:
        pytest.skip(f"{rule.code} is reported by the remote pass; tests/remote/ covers it against a test server")
    # meta rules judge what other rules reported (an unused suppression needs its rule to run): run them all
    codes = (rule.code,) if rule.category != "meta" else (rule.code, *catalog().default_enabled())
    result = lint_source(example.file_path(), example.code.encode(), settings_for(*codes))
    hits = [f for f in result.findings if f.code == rule.code]
    if example.kind == "incorrect":
        assert hits, f"{rule.code} incorrect example #{index} produced no {rule.code} finding"
    else:
        assert not hits, f"{rule.code} correct example #{index} was reported: {[(f.line, f.message) for f in hits]}"
