"""What the fixtures cannot express: severities, message details, and the non-explicit path of NL001."""

from __future__ import annotations

import textwrap

from nango_lint.findings import Severity
from tests.helpers import lint_text, parse_annotations


def _lint(code: str, path: str, *codes: str, explicit: bool = False):
    return lint_text(textwrap.dedent(code), path, *codes, explicit=explicit)


HELPER_MODULE = """
import { z } from 'zod';
export const Schema = z.object({ id: z.string() });
"""


def test_nl001_quiet_outside_function_folders_unless_explicit():
    # discovered while walking a project: a helper module outside syncs/actions/on-events is fine
    assert _lint(HELPER_MODULE, "demo/helpers/schemas.ts", "NL001") == []
    # the same file named on the command line is expected to be a function
    (finding,) = _lint(HELPER_MODULE, "demo/helpers/schemas.ts", "NL001", explicit=True)
    assert (finding.line, finding.column) == (1, 1)
    assert "named on the command line" in finding.message
    # in a function folder it is reported either way
    (finding,) = _lint(HELPER_MODULE, "demo/syncs/schemas.ts", "NL001")
    assert "in `syncs/`" in finding.message
    # declaration files are never function files
    assert _lint(HELPER_MODULE, "demo/syncs/types.d.ts", "NL001", explicit=True) == []


RETRIES = """
import {{ {create} }} from 'nango';
export default {create}({{
    description: 'x',
    exec: async (nango) => {{
        // https://developer.example.com/x
        await nango.get({{ endpoint: '/x', retries: 10 }});
    }}
}});
"""


def test_nl101_is_an_error_in_syncs_and_a_warning_in_actions():
    (sync,) = _lint(RETRIES.format(create="createSync"), "demo/syncs/x.ts", "NL101")
    (action,) = _lint(RETRIES.format(create="createAction"), "demo/actions/x.ts", "NL101")
    assert sync.severity == Severity.ERROR and "for a sync" in sync.message
    assert action.severity == Severity.WARNING and "for an action" in action.message
    # the finding sits on the value, 1-based line and column
    line = textwrap.dedent(RETRIES.format(create="createSync")).splitlines()[6]
    assert (sync.line, sync.column) == (7, line.index("10") + 1)


NL301 = """
import { createSync } from 'nango';
import { z } from 'zod';
export default createSync({
    description: 'x',
    frequency: 'every hour',
    checkpoint: z.object({ since: z.string() }),
    models: { Row: z.object({ id: z.string() }) },
    exec: async (nango) => {
        const cp = await nango.getCheckpoint();
        await nango.trackDeletesStart('Row');
        // https://developer.example.com/rows
        const res = await nango.get({
            endpoint: '/rows',
            params: {
                limit: '100',
                updated_after: cp?.since ?? ''
            },
            retries: 3
        });
        await nango.batchSave(res.data, 'Row');
        await nango.saveCheckpoint({ since: new Date().toISOString() });
        await nango.trackDeletesEnd('Row');
    }
});
"""


def test_nl301_reason_cites_the_line_of_the_changed_since_key():
    (finding,) = _lint(NL301, "demo/syncs/rows.ts", "NL301")
    key_line = textwrap.dedent(NL301).splitlines().index("                updated_after: cp?.since ?? ''") + 1
    assert finding.line == 11  # the trackDeletesStart call
    assert f"as `updated_after` (line {key_line})" in finding.message
    assert key_line == 17


def test_trailing_annotation_marks_its_own_line():
    ann = parse_annotations("import x from 'y'; // ruleid: NL001\n// ok: NL002\nconst a = 1;\n")
    assert ann["ruleid"] == {("NL001", 1)}
    assert ann["ok"] == {("NL002", 3)}
