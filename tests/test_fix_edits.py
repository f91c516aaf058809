"""The Fix objects rules attach, applied directly (without the --fix engine): for every ``<case>.fixed.ts`` the
edits of the folder's rule turn ``<case>.ts`` into it, never overlap, re-parse cleanly and leave nothing to fix."""

from __future__ import annotations

import pytest

from nango_lint.engine import lint_source
from nango_lint.parsing import parse_source
from tests.helpers import FIXTURES, settings_for, virtual_path

FIXED = sorted(FIXTURES.glob("NL*/*.fixed.ts"))


def _apply(path: str, source: bytes, code: str) -> bytes:
    findings = lint_source(path, source, settings_for(code)).findings
    edits = sorted((e for f in findings if f.fix for e in f.fix.edits), key=lambda e: e.start, reverse=True)
    for later, earlier in zip(edits, edits[1:]):
        assert earlier.end <= later.start, f"overlapping edits {earlier} / {later}"
    for e in edits:
        source = source[: e.start] + e.text.encode() + source[e.end :]
    return source


@pytest.mark.parametrize("fixed", FIXED, ids=[f"{p.parent.name}/{p.name}" for p in FIXED])
def test_fix_edits_give_the_fixed_file(fixed):
    case = fixed.with_name(fixed.name.replace(".fixed.ts", ".ts"))
    source = case.read_text(encoding="utf-8")
    path = virtual_path(source, case)
    code = fixed.parent.name
    out = _apply(path, source.encode(), code)
    assert out.decode() == fixed.read_text(encoding="utf-8")
    assert not parse_source(path, out).root.has_error
    # a second pass has nothing left to apply
    assert _apply(path, out, code) == out
