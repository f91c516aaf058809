"""The command line as users and CI see it: outputs, selectors, exit codes, errors as one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from nango_lint.cli import main_command
from nango_lint.registry import catalog
from tests.helpers import ROOT

EXAMPLES = ROOT / "examples"

GOOD_SYNC = """import { createSync } from 'nango';
import { z } from 'zod';

export default createSync({
    description: 'Users',
    frequency: 'every hour', // full refresh: the users endpoint has no changed-since filter
    models: { User: z.object({ id: z.string() }) },
    exec: async (nango) => {
        await nango.trackDeletesStart('User');
        // https://developer.example.com/users
        const res = await nango.get({ endpoint: '/users', retries: 3 });
        await nango.batchSave(res.data, 'User');
        await nango.trackDeletesEnd('User');
    }
});
"""

BAD_SYNC = GOOD_SYNC.replace("retries: 3", "retries: 10")


def invoke(*args, input=None):
    return CliRunner().invoke(main_command, list(args), input=input, catch_exceptions=False)


def write(tmp_path, rel, text):
    p = tmp_path / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def test_clean_file_exits_zero(tmp_path):
    f = write(tmp_path, "acme/syncs/users.ts", GOOD_SYNC)
    r = invoke(str(f))
    assert r.exit_code == 0, r.output
    assert "All checks passed (1 file linted)." in r.output


def test_findings_exit_one_and_concise_format(tmp_path):
    f = write(tmp_path, "acme/syncs/users.ts", BAD_SYNC)
    r = invoke(str(f))
    assert r.exit_code == 1
    first = r.output.splitlines()[0]
    line = BAD_SYNC.splitlines()[10]
    col = line.index("10") + 1
    assert first.startswith(f"{f}:11:{col}: NL101 error `retries: 10`"), first
    assert "Found 1 finding (1 error) in 1 file." in r.output.splitlines()
    assert r.output.splitlines()[-1] == "1 fixable with --fix --unsafe-fixes."


def test_json_report_shape_and_relative_paths(tmp_path, monkeypatch):
    write(tmp_path, "acme/syncs/users.ts", BAD_SYNC)
    write(tmp_path, "acme/syncs/b.ts", GOOD_SYNC.replace("// https://developer.example.com/users\n", ""))
    monkeypatch.chdir(tmp_path)
    r = invoke("acme", "--format", "json")
    doc = json.loads(r.output)
    assert set(doc) == {"version", "findings", "summary"}
    assert doc["version"] == 1
    assert doc["summary"] == {"files": 2, "errors": 2, "warnings": 0, "infos": 0}
    keys = {"path", "line", "column", "end_line", "end_column", "code", "name", "severity", "message"}
    for f in doc["findings"]:
        assert set(f) == keys
        assert not os.path.isabs(f["path"])
    order = [(f["path"], f["line"], f["column"], f["code"]) for f in doc["findings"]]
    assert order == sorted(order)
    assert [f["code"] for f in doc["findings"]] == ["NL104", "NL101"]
    assert doc["findings"][0]["path"] == "acme/syncs/b.ts"


def test_warnings_do_not_fail_by_default_but_do_with_fail_on(tmp_path):
    f = write(tmp_path, "acme/syncs/usersList.ts", GOOD_SYNC)  # NL007 warning only
    r = invoke(str(f))
    assert r.exit_code == 0 and "NL007 warning" in r.output
    assert invoke(str(f), "--fail-on", "warning").exit_code == 1
    assert invoke(str(f), "--fail-on", "warning", "--exit-zero").exit_code == 0


@pytest.mark.parametrize("selector", ["NL101", "nl101", "retries-above-limit", "NL1", "NL10"])
def test_select_accepts_codes_prefixes_and_names(tmp_path, selector):
    f = write(tmp_path, "acme/syncs/users.ts", BAD_SYNC.replace("// https://developer.example.com/users\n", ""))
    doc = json.loads(invoke(str(f), "--select", selector, "--format", "json").output)
    codes = {x["code"] for x in doc["findings"]}
    assert "NL101" in codes
    assert all(c.startswith("NL1") for c in codes)


def test_ignore_removes_rules(tmp_path):
    f = write(tmp_path, "acme/syncs/users.ts", BAD_SYNC)
    r = invoke(str(f), "--ignore", "retries-above-limit")
    assert r.exit_code == 0 and "NL101" not in r.output


def test_unknown_selector_is_a_one_line_usage_error(tmp_path):
    f = write(tmp_path, "acme/syncs/users.ts", GOOD_SYNC)
    r = CliRunner().invoke(main_command, [str(f), "--select", "NL9999x"])
    assert r.exit_code == 2
    assert "unknown rule selector 'NL9999x'" in r.output
    assert "Traceback" not in r.output


def test_missing_path_is_one_line_exit_two(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "nango_lint", str(tmp_path / "nope.ts")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "no such file or directory" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_no_paths_is_a_usage_error():
    r = CliRunner().invoke(main_command, [])
    assert r.exit_code == 2 and "no paths given" in r.output


def test_stdin_with_filename_chooses_path_rules():
    r = invoke("-", "--stdin-filename", "acme/syncs/users.ts", "--format", "json", input=BAD_SYNC)
    doc = json.loads(r.output)
    assert [(f["path"], f["code"]) for f in doc["findings"]] == [("acme/syncs/users.ts", "NL101")]


def test_explain_by_code_and_name():
    for ident in ("NL202", "checkpoint-not-used"):
        r = invoke("--explain", ident)
        assert r.exit_code == 0
        assert r.output.startswith("# checkpoint-not-used (NL202)")
        for heading in ("## What it does", "## Why is this bad?", "## Example", "Use instead:", "## Fix safety"):
            assert heading in r.output
    bad = CliRunner().invoke(main_command, ["--explain", "NL000"])
    assert bad.exit_code == 2 and "unknown rule" in bad.output


def test_list_rules_shows_every_rule_with_severity():
    r = invoke("--list-rules")
    assert r.exit_code == 0
    for rule in catalog():
        line = next(l for l in r.output.splitlines() if l.startswith(rule.code + " "))
        assert rule.name in line and rule.severity in line


def test_folder_discovery_skips_vendor_hidden_ignored_and_symlinked_dirs(tmp_path):
    write(tmp_path, "proj/acme/syncs/users.ts", BAD_SYNC)
    write(tmp_path, "proj/node_modules/x/syncs/a.ts", BAD_SYNC)
    write(tmp_path, "proj/dist/syncs/a.ts", BAD_SYNC)
    write(tmp_path, "proj/.nango/a.ts", BAD_SYNC)
    write(tmp_path, "proj/.hidden/syncs/a.ts", BAD_SYNC)
    write(tmp_path, "proj/gen/syncs/ignored.ts", BAD_SYNC)
    write(tmp_path, "proj/acme/types.d.ts", "export type X = string;\n")
    write(tmp_path, "proj/acme/syncs/readme.md", "not code")
    write(tmp_path, "proj/.gitignore", "gen/\n")
    (tmp_path / "proj" / "alias").symlink_to(tmp_path / "proj" / "acme")
    subprocess.run(["git", "init", "-q", str(tmp_path / "proj")], check=True)
    doc = json.loads(invoke(str(tmp_path / "proj"), "--format", "json").output)
    assert doc["summary"]["files"] == 1
    assert {f["path"] for f in doc["findings"]} == {str(tmp_path / "proj/acme/syncs/users.ts")}


def test_tsx_uses_the_tsx_grammar(tmp_path):
    f = write(tmp_path, "acme/actions/view.tsx", "export const View = () => <div>{1}</div>;\n")
    doc = json.loads(invoke(str(f), "--format", "json", "--select", "NL900").output)
    assert doc["findings"] == []
    g = write(tmp_path, "acme/actions/cast.ts", "const x = <string>y;\n")
    assert json.loads(invoke(str(g), "--format", "json", "--select", "NL900").output)["findings"] == []


def test_examples_folder_reports_the_broken_examples_only():
    doc = json.loads(invoke(str(EXAMPLES), "--format", "json").output)
    paths = {os.path.basename(f["path"]) for f in doc["findings"]}
    assert paths == {"deals.ts", "notes.ts", "get-account.ts"}
    assert doc["summary"]["files"] == 5


def test_closed_stdout_pipe_is_not_a_traceback(tmp_path):
    for i in range(30):
        write(tmp_path, f"acme/syncs/s{i}.ts", BAD_SYNC)
    cmd = f"{sys.executable} -m nango_lint {tmp_path} | head -1"
    proc = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    assert "Traceback" not in proc.stderr
    assert proc.stdout.count("\n") == 1
