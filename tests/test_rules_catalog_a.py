"""Behaviour of catalog-A rules that fixtures cannot express: rule options and the fixes they offer."""

from __future__ import annotations

from nango_lint.engine import lint_source
from nango_lint.settings import RuleOptions
from tests.helpers import FIXTURES, settings_for

SYNC = """import { createSync } from 'nango';
import { z } from 'zod';

export default createSync({
    description: 'Teams',
    frequency: 'every hour',
    models: { Team: z.object({ id: z.string() }) },
    exec: async (nango) => {
        // PROVIDER-LIMIT: the teams endpoint cannot filter
        // https://example.com/docs/teams
        const res = await nango.get({ endpoint: '/teams', retries: 3 });
        await nango.batchSave(res.data, 'Team');
    }
});
"""


def _codes(source: str, path: str, code: str, **kw):
    result = lint_source(path, source.encode(), settings_for(code, **kw))
    return [f for f in result.findings if f.code == code]


def test_full_refresh_justification_option_replaces_the_default_pattern():
    assert [f.line for f in _codes(SYNC, "demo/syncs/teams.ts", "NL207")] == [4]
    custom = RuleOptions(full_refresh_justification=r"PROVIDER-LIMIT")
    assert _codes(SYNC, "demo/syncs/teams.ts", "NL207", options=custom) == []


def test_checkpoint_type_argument_fix_removes_exactly_the_type_arguments():
    case = FIXTURES / "NL206" / "generic.ts"
    source = case.read_bytes()
    findings = _codes(source.decode(), "demo/syncs/generic.ts", "NL206")
    assert len(findings) == 2
    edits = sorted((e for f in findings for e in f.fix.edits), key=lambda e: e.start, reverse=True)
    assert all(f.fix.applicability == "safe" for f in findings)
    out = source
    for e in edits:
        out = out[: e.start] + e.text.encode() + out[e.end :]
    assert out == (FIXTURES / "NL206" / "generic.fixed.ts").read_bytes()


def test_unawaited_call_message_names_the_method():
    src = SYNC.replace("await nango.batchSave(res.data, 'Team');", "nango.batchSave(res.data, 'Team');")
    findings = _codes(src, "demo/syncs/teams.ts", "NL107")
    assert [(f.line, f.column) for f in findings] == [(12, 9)] and "nango.batchSave()" in findings[0].message
