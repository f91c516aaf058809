"""Config files (nango_lint/config.py): discovery, extend, validation, per-file settings, CLI overrides."""

from __future__ import annotations

import json
import os
import textwrap
import tomllib

import pytest
from click.testing import CliRunner

from nango_lint.cli import main_command
from nango_lint.config import find_config, glob_matches, load_config

SYNC = """\
import { createSync } from 'nango';
import { z } from 'zod';

export default createSync({
    description: 'Contacts',
    frequency: 'every hour', // full refresh: small dataset
    models: { Contact: z.object({ id: z.string() }) },
    exec: async (nango) => {
        const r = await nango.get({ endpoint: '/x', retries: 9 });
        await nango.batchSave([r], 'Contact');
    }
});
"""  # NL104 (error, line 9) and NL101 (error in a sync, line 9)


@pytest.fixture(autouse=True)
def _fresh_caches(monkeypatch, tmp_path):
    load_config.cache_clear()
    find_config.cache_clear()
    monkeypatch.chdir(tmp_path)
    yield
    load_config.cache_clear()
    find_config.cache_clear()


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def sync_file(root, rel="integ/syncs/contacts.ts"):
    return write(root / rel, SYNC)


def run(*args, input=None):
    return CliRunner().invoke(main_command, [str(a) for a in args], input=input, catch_exceptions=False)


def codes(result) -> list[str]:
    data = json.loads(result.stdout)
    return sorted({f["code"] for f in data["findings"]})


def lint_codes(*args):
    return codes(run("--format", "json", *args))


def test_no_config_uses_defaults(tmp_path):
    f = sync_file(tmp_path)
    assert lint_codes(f) == ["NL101", "NL104"]


@pytest.mark.parametrize("name,prefix", [("nango-lint.toml", ""), (".nango-lint.toml", ""),
                                         ("pyproject.toml", "[tool.nango-lint]\n")])
def test_each_config_name(tmp_path, name, prefix):
    f = sync_file(tmp_path)
    write(tmp_path / name, prefix + 'ignore = ["NL104"]\n')
    assert lint_codes(f) == ["NL101"]


def test_dot_file_wins_over_plain_and_pyproject(tmp_path):
    f = sync_file(tmp_path)
    write(tmp_path / ".nango-lint.toml", 'ignore = ["NL101"]\n')
    write(tmp_path / "nango-lint.toml", 'ignore = ["NL104"]\n')
    write(tmp_path / "pyproject.toml", '[tool.nango-lint]\nignore = ["NL104", "NL101"]\n')
    assert lint_codes(f) == ["NL104"]


def test_pyproject_without_table_is_skipped(tmp_path):
    f = sync_file(tmp_path)
    write(tmp_path / "nango-lint.toml", 'ignore = ["NL104"]\n')
    write(tmp_path / "integ" / "pyproject.toml", '[project]\nname = "x"\n')
    assert lint_codes(f) == ["NL101"]


def test_closest_config_applies_and_parents_are_not_merged(tmp_path):
    f = sync_file(tmp_path)
    other = sync_file(tmp_path, "other/syncs/contacts.ts")
    write(tmp_path / "nango-lint.toml", 'ignore = ["NL104"]\n')
    write(tmp_path / "integ" / "nango-lint.toml", "max-retries = 10\n")
    assert lint_codes(f) == ["NL104"]  # the root's ignore is not inherited; 9 retries are allowed here
    assert lint_codes(other) == ["NL101"]


def test_extend_inherits_relative_to_the_file(tmp_path):
    f = sync_file(tmp_path)
    write(tmp_path / "shared" / "base.toml", 'ignore = ["NL104"]\n')
    write(tmp_path / "integ" / "nango-lint.toml", 'extend = "../shared/base.toml"\nmax-retries = 10\n')
    assert lint_codes(f) == []


def test_extend_child_select_replaces_then_base_ignore_does_not_apply(tmp_path):
    f = sync_file(tmp_path)
    write(tmp_path / "base.toml", 'ignore = ["NL104"]\n')
    write(tmp_path / "integ" / "nango-lint.toml", 'extend = "../base.toml"\nselect = ["NL1"]\n')
    assert lint_codes(f) == ["NL101", "NL104"]


def test_extend_cycle_is_an_error(tmp_path):
    f = sync_file(tmp_path)
    write(tmp_path / "a.toml", 'extend = "integ/nango-lint.toml"\n')
    write(tmp_path / "integ" / "nango-lint.toml", 'extend = "../a.toml"\n')
    res = run(f)
    assert res.exit_code == 2
    assert "cycle" in res.stderr and "extend" in res.stderr and len(res.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("body,key,fragment", [
    ('selct = ["NL1"]\n', "selct", "unknown key"),
    ("max-retries = -1\n", "max-retries", "greater than or equal to 0"),
    ('max-retries = "3"\n', "max-retries", "integer"),
    ('fail-on = "fatal"\n', "fail-on", "error"),
    ('select = ["NL999"]\n', "select", "unknown rule selector"),
    ('[per-file-ignores]\n"*.ts" = ["nope"]\n', "per-file-ignores", "unknown rule selector"),
    ('[severity]\nNL999 = "error"\n', "severity.NL999", "unknown rule"),
    ('[severity]\nNL101 = "fatal"\n', "severity.NL101", "error"),
    ('full-refresh-justification = "("\n', "full-refresh-justification", "regular expression"),
    ('extend = "missing.toml"\n', "extend", "no such file"),
    ("select = [\n", "", "invalid TOML"),
])
def test_bad_config_is_one_line_naming_file_and_key(tmp_path, body, key, fragment):
    f = sync_file(tmp_path)
    write(tmp_path / "nango-lint.toml", body)
    res = run(f)
    assert res.exit_code == 2, res.output
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in res.output
    assert "nango-lint.toml" in err and key in err and fragment in err, err


def test_pyproject_errors_name_the_tool_table_key(tmp_path):
    f = sync_file(tmp_path)
    write(tmp_path / "pyproject.toml", "[tool.nango-lint]\nmax_retries = 4\n")
    res = run(f)
    assert res.exit_code == 2 and "pyproject.toml: tool.nango-lint.max_retries: unknown key" in res.stderr


def test_per_file_ignores_globs_relative_to_config_and_negation(tmp_path):
    a = sync_file(tmp_path, "integ/syncs/contacts.ts")
    b = sync_file(tmp_path, "integ/actions/contacts.ts")
    write(tmp_path / "integ" / "nango-lint.toml", """\
        [per-file-ignores]
        "syncs/**" = ["NL104"]
        "!syncs/*.ts" = ["retries-above-limit"]
    """)
    assert lint_codes(a) == ["NL101"]
    assert "NL101" not in lint_codes(b) and "NL104" in lint_codes(b)


def test_severity_table_and_fail_on_from_config(tmp_path):
    f = sync_file(tmp_path)
    write(tmp_path / "nango-lint.toml", """\
        [severity]
        NL104 = "warning"
        retries-above-limit = "info"
    """)
    data = json.loads(run("--format", "json", f).stdout)
    assert {(x["code"], x["severity"]) for x in data["findings"]} == {("NL104", "warning"), ("NL101", "info")}
    assert run(f).exit_code == 0  # nothing at error level
    (tmp_path / "nango-lint.toml").write_text('fail-on = "warning"\n[severity]\nNL104 = "warning"\nNL101 = "info"\n')
    load_config.cache_clear()
    find_config.cache_clear()
    assert run(f).exit_code == 1
    assert run(f, "--fail-on", "error").exit_code == 0  # the command line wins


def test_cli_flags_override_config_selection(tmp_path):
    f = sync_file(tmp_path)
    write(tmp_path / "nango-lint.toml", 'select = ["NL104"]\n')
    assert lint_codes(f) == ["NL104"]
    assert lint_codes(f, "--select", "NL101") == ["NL101"]
    assert lint_codes(f, "--extend-select", "NL101") == ["NL101", "NL104"]


def test_rule_options(tmp_path):
    f = sync_file(tmp_path)
    write(tmp_path / "nango-lint.toml", "max-retries = 9\n")
    assert lint_codes(f) == ["NL104"]


def test_exclude_applies_to_walked_files_and_explicit_ones_only_with_force(tmp_path):
    keep = sync_file(tmp_path, "integ/syncs/contacts.ts")
    legacy = sync_file(tmp_path, "integ/legacy/syncs/old.ts")
    write(tmp_path / "nango-lint.toml", 'exclude = ["legacy"]\n')
    data = json.loads(run("--format", "json", tmp_path / "integ").stdout)
    assert {x["path"] for x in data["findings"]} == {str(keep)}
    assert data["summary"]["files"] == 1
    assert json.loads(run("--format", "json", legacy).stdout)["summary"]["files"] == 1
    assert json.loads(run("--format", "json", "--force-exclude", legacy).stdout)["summary"]["files"] == 0


def test_config_flag_forces_one_file_and_isolated_ignores_all(tmp_path):
    f = sync_file(tmp_path)
    write(tmp_path / "integ" / "nango-lint.toml", 'ignore = ["NL104"]\n')
    forced = write(tmp_path / "elsewhere" / "strict.toml", 'ignore = ["NL101"]\n')
    assert lint_codes(f) == ["NL101"]
    assert lint_codes("--config", forced, f) == ["NL104"]
    assert lint_codes("--isolated", f) == ["NL101", "NL104"]
    res = run("--config", tmp_path / "nope.toml", f)
    assert res.exit_code == 2 and "config file not found" in res.stderr


def test_show_settings_toml_and_json(tmp_path):
    f = sync_file(tmp_path)
    write(tmp_path / "nango-lint.toml", """\
        max-retries = 5
        fail-on = "warning"
        [per-file-ignores]
        "integ/syncs/*.ts" = ["NL104"]
        [severity]
        NL101 = "warning"
    """)
    res = run("--show-settings", f)
    assert res.exit_code == 0
    doc = tomllib.loads(res.stdout)
    assert doc["config"] == str(tmp_path / "nango-lint.toml")
    assert "NL104" not in doc["select"] and "NL101" in doc["select"]
    assert doc["options"]["max-retries"] == 5 and doc["fail-on"] == "warning"
    assert doc["severity"] == {"NL101": "warning"}
    res = run("--show-settings", "--format", "json", "--isolated", f)
    doc = json.loads(res.stdout)
    assert doc["config"] is None and "NL104" in doc["select"] and doc["options"]["max-retries"] == 3


def test_settings_differ_per_file_also_in_the_process_pool(tmp_path):
    for i in range(6):
        sync_file(tmp_path, f"strict/syncs/s{i}.ts")
        sync_file(tmp_path, f"lenient/syncs/s{i}.ts")
    write(tmp_path / "lenient" / "nango-lint.toml", 'ignore = ["NL104"]\nmax-retries = 9\n')
    serial = json.loads(run("--format", "json", "-j", "1", tmp_path).stdout)
    pooled = json.loads(run("--format", "json", "-j", "2", tmp_path).stdout)
    assert serial == pooled
    by_dir = {}
    for x in pooled["findings"]:
        by_dir.setdefault(os.path.basename(os.path.dirname(os.path.dirname(x["path"]))), set()).add(x["code"])
    assert by_dir == {"strict": {"NL101", "NL104"}}


def test_stdin_uses_the_config_of_its_stdin_filename(tmp_path):
    write(tmp_path / "integ" / "nango-lint.toml", 'ignore = ["NL104"]\n')
    res = run("--format", "json", "--stdin-filename", "integ/syncs/contacts.ts", "-", input=SYNC)
    assert codes(res) == ["NL101"]


@pytest.mark.parametrize("pattern,path,expected", [
    ("*.test.ts", "a/b/c.test.ts", True),
    ("legacy", "a/legacy/x.ts", True),
    ("legacy", "a/legacy-new/x.ts", False),
    ("syncs/*.ts", "syncs/a.ts", True),
    ("syncs/*.ts", "syncs/deep/a.ts", False),
    ("syncs/**", "syncs/deep/a.ts", True),
    ("**/actions/*.ts", "x/y/actions/a.ts", True),
    ("integrations/hubspot/", "integrations/hubspot/syncs/a.ts", True),
    ("./integrations/h?bspot/**", "integrations/hubspot/syncs/a.ts", True),
    ("[!a]*.ts", "b.ts", True),
    ("[!a]*.ts", "a.ts", False),
])
def test_glob_matches(pattern, path, expected):
    assert glob_matches(pattern, path) is expected


def test_readme_example_config_is_valid(tmp_path):
    from tests.helpers import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n# nango-lint.toml\n", 1)[1].split("```", 1)[0]
    f = sync_file(tmp_path)
    write(tmp_path / "nango-lint.toml", block)
    res = run("--show-settings", "--format", "json", f)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["fail-on"] == "warning" and "NL007" not in doc["select"] and doc["severity"]["NL102"] == "error"


def test_extend_a_pyproject_table_and_force_a_pyproject_without_one(tmp_path):
    f = sync_file(tmp_path)
    write(tmp_path / "pyproject.toml", '[tool.nango-lint]\nignore = ["NL104"]\n')
    write(tmp_path / "integ" / ".nango-lint.toml", 'extend = "../pyproject.toml"\n')
    assert lint_codes(f) == ["NL101"]
    bare = write(tmp_path / "other" / "pyproject.toml", '[project]\nname = "x"\n')
    res = run("--config", bare, f)
    assert res.exit_code == 2 and "no [tool.nango-lint] table" in res.stderr
