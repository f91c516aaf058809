"""Baselines (nango_lint/baseline.py): --write-baseline, --baseline, stale entries, fingerprints."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from nango_lint.cli import main_command

HEAD = """\
import { createSync } from 'nango';
import { z } from 'zod'; // full refresh: no changed-since filter (keeps NL207 quiet)

export default createSync({
    description: 'Contacts',
    frequency: 'every hour',
    models: { Contact: z.object({ id: z.string() }) },
    exec: async (nango) => {
"""
TAIL = """\
        await nango.batchSave([], 'Contact');
    }
});
"""
CALL_A = "        const a = await nango.get({ endpoint: '/a', retries: 3 });\n"
CALL_B = "        const b = await nango.get({ endpoint: '/b', retries: 3 });\n"
CALL_C = "        const c = await nango.get({ endpoint: '/c', retries: 3 });\n"
RETRY = "        // https://developers.example.com/r\n        const r = await nango.get({ endpoint: '/r', retries: 9 });\n"


@pytest.fixture(autouse=True)
def _cwd(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)


def run(*args):
    return CliRunner().invoke(main_command, [str(a) for a in args], catch_exceptions=False)


def project(tmp_path, *calls: str):
    f = tmp_path / "integ" / "syncs" / "contacts.ts"
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(HEAD + "".join(calls) + TAIL)
    return f


def findings(res):
    return [(x["code"], x["line"]) for x in json.loads(res.stdout)["findings"]]


def test_write_baseline_format_and_clean_rerun(tmp_path):
    f = project(tmp_path, CALL_A, CALL_B, RETRY)
    bl = tmp_path / "ci" / "nango-lint.baseline.json"
    bl.parent.mkdir()
    res = run("--write-baseline", bl, "integ")
    assert res.exit_code == 0, res.output
    assert "3 findings in 1 file" in res.stderr
    doc = json.loads(bl.read_text())
    assert doc["version"] == 1
    assert doc["files"] == {"../integ/syncs/contacts.ts": {"NL101": 1, "NL104": 2}}  # relative to the baseline
    assert len(doc["fingerprints"]["../integ/syncs/contacts.ts"]["NL104"]) == 2
    res = run("--baseline", bl, f)
    assert res.exit_code == 0 and "All checks passed" in res.stdout
    assert res.stderr == ""


def test_line_shifts_do_not_matter(tmp_path):
    f = project(tmp_path, CALL_A)
    run("--write-baseline", "bl.json", f)
    f.write_text(f.read_text().replace("    exec: async (nango) => {\n", "    exec: async (nango) => {\n\n\n        // moved\n"))
    assert run("--baseline", "bl.json", f).exit_code == 0


def test_only_the_new_finding_is_reported_when_fingerprints_match(tmp_path):
    f = project(tmp_path, CALL_A, CALL_B)
    run("--write-baseline", "bl.json", f)
    project(tmp_path, CALL_A, CALL_C, CALL_B)
    res = run("--format", "json", "--baseline", "bl.json", f)
    assert res.exit_code == 1
    assert findings(res) == [("NL104", 10)]  # CALL_C, the new one


def test_all_findings_of_the_pair_when_old_lines_changed_too(tmp_path):
    f = project(tmp_path, CALL_A, CALL_B)
    run("--write-baseline", "bl.json", f)
    project(tmp_path, CALL_A.replace("'/a'", "'/a2'"), CALL_C, CALL_B)
    res = run("--format", "json", "--baseline", "bl.json", f)
    assert findings(res) == [("NL104", 9), ("NL104", 10), ("NL104", 11)]  # ESLint's behaviour: all of them


def test_counts_only_baseline_reports_every_finding_of_an_exceeded_pair(tmp_path):
    f = project(tmp_path, CALL_A, CALL_C, CALL_B)
    (tmp_path / "bl.json").write_text(json.dumps({"version": 1, "files": {"integ/syncs/contacts.ts": {"NL104": 2}}}))
    res = run("--format", "json", "--baseline", "bl.json", f)
    assert findings(res) == [("NL104", 9), ("NL104", 10), ("NL104", 11)]


def test_a_new_rule_in_a_baselined_file_is_reported(tmp_path):
    f = project(tmp_path, CALL_A)
    run("--write-baseline", "bl.json", f)
    project(tmp_path, CALL_A, RETRY)
    res = run("--format", "json", "--baseline", "bl.json", f)
    assert findings(res) == [("NL101", 11)]


def test_stale_entries_are_one_line_and_do_not_fail(tmp_path):
    f = project(tmp_path, CALL_A, CALL_B, RETRY)
    run("--write-baseline", "bl.json", f)
    project(tmp_path, CALL_A)
    res = run("--baseline", "bl.json", f)
    assert res.exit_code == 0
    assert res.stderr == "nango-lint: 2 baseline entries are stale; run --write-baseline bl.json to prune\n"


def test_files_not_linted_in_this_run_are_not_stale(tmp_path):
    f = project(tmp_path, CALL_A)
    other = tmp_path / "integ" / "syncs" / "other.ts"
    other.write_text(HEAD + CALL_B + TAIL)
    run("--write-baseline", "bl.json", "integ")
    res = run("--baseline", "bl.json", f)
    assert res.exit_code == 0 and res.stderr == ""


@pytest.mark.parametrize("content,fragment", [
    (None, "baseline file not found"),
    ("{not json", "invalid JSON"),
    ('{"version": 2, "files": {}}', "not a nango-lint baseline"),
    ('{"version": 1, "files": {"a.ts": {"NL104": "x"}}}', "must map paths"),
])
def test_bad_baseline_is_one_line_exit_2(tmp_path, content, fragment):
    f = project(tmp_path, CALL_A)
    if content is not None:
        (tmp_path / "bl.json").write_text(content)
    res = run("--baseline", "bl.json", f)
    assert res.exit_code == 2 and fragment in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_baseline_and_write_baseline_are_exclusive(tmp_path):
    f = project(tmp_path, CALL_A)
    res = run("--baseline", "a.json", "--write-baseline", "b.json", f)
    assert res.exit_code == 2 and "cannot be combined" in res.stderr


def test_add_suppressions_with_a_baseline_only_suppresses_new_findings(tmp_path):
    f = project(tmp_path, CALL_A)
    run("--write-baseline", "bl.json", f)
    project(tmp_path, CALL_A, CALL_B)
    res = run("--baseline", "bl.json", "--add-suppressions", f)
    assert res.exit_code == 0 and "Added 1 suppression comment in 1 file" in res.stderr
    text = f.read_text()
    assert text.count("nango-lint-disable-next-line NL104") == 1
    assert text.index("nango-lint-disable-next-line") > text.index("const a")
    assert run("--baseline", "bl.json", f).exit_code == 0
