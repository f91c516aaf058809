"""Hostile inputs give findings or one clear line on stderr, never a traceback, and stay fast."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from nango_lint import runner
from nango_lint.cli import main_command
from tests.helpers import lint_text

SYNC = """import { createSync } from 'nango';
import { z } from 'zod';

export default createSync({
    description: 'Users',
    frequency: 'every hour', // full refresh: the users endpoint has no changed-since filter
    models: { User: z.object({ id: z.string() }) },
    exec: async (nango) => {
        const res = await nango.get({ endpoint: '/users', retries: 10 });
        await nango.batchSave(res.data, 'User');
    }
});
"""


def cli(*args, input=None):
    proc = subprocess.run([sys.executable, "-m", "nango_lint", *args], capture_output=True, input=input, timeout=120)
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    return proc


def json_findings(*args, input=None):
    proc = cli("--format", "json", *args, input=input)
    return proc, json.loads(proc.stdout)


def test_empty_file(tmp_path):
    f = tmp_path / "acme" / "syncs" / "empty.ts"
    f.parent.mkdir(parents=True)
    f.write_bytes(b"")
    proc, doc = json_findings(str(f))
    assert proc.returncode == 1
    assert [(x["code"], x["line"], x["column"]) for x in doc["findings"]] == [("NL001", 1, 1)]


def test_binary_file_is_one_line_error(tmp_path):
    f = tmp_path / "blob.ts"
    f.write_bytes(bytes(range(256)) * 10)
    proc = cli(str(f))
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == f"nango-lint: error: {f}: binary file (contains NUL bytes), not linted"


def test_invalid_utf8_still_lints_with_sane_columns():
    src = SYNC.replace("'/users'", "'/us\udcffers'").encode("utf-8", "surrogateescape")
    from nango_lint.engine import lint_source
    from tests.helpers import settings_for

    res = lint_source("acme/syncs/users.ts", src, settings_for("NL101"))
    assert [(f.code, f.line) for f in res.findings] == [("NL101", 9)]
    # one replacement character for the bad byte: the column counts characters, not bytes
    line = SYNC.splitlines()[8].replace("'/users'", "'/us?ers'")
    assert res.findings[0].column == line.index("10") + 1


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings_and_bom_keep_lines_and_columns(newline):
    src = "\ufeff" + SYNC.replace("\n", newline)
    findings = [f for f in lint_text(src, "acme/syncs/users.ts", "NL101")]
    line = SYNC.splitlines()[8]
    assert [(f.line, f.column) for f in findings] == [(9, line.index("10") + 1)]


def test_tabs_and_wide_characters_count_as_one_column_each():
    src = SYNC.replace("        const res = await nango.get({ endpoint: '/users', retries: 10 });",
                       "\t\tconst res /* 🚀 漢字 */ = await nango.get({ endpoint: '/users', retries: 10 });")
    (f,) = lint_text(src, "acme/syncs/users.ts", "NL101")
    line = src.splitlines()[8]
    assert (f.line, f.column, f.end_column) == (9, line.index("10") + 1, line.index("10") + 3)


def test_five_megabyte_file_is_linted_in_bounded_time(tmp_path):
    helper = """
async function page{i}(nango: NangoSync, cursor: string): Promise<string[]> {{
    // https://docs.example.com/things#list
    const response = await nango.get({{ endpoint: '/things/{i}', params: {{ cursor }}, retries: 3 }});
    return response.data.items.map((row: {{ id: string }}) => row.id + '{i}');
}}
"""
    parts = ["import type { NangoSync } from 'nango';\n"]
    size = 0
    i = 0
    while size < 5_000_000:
        chunk = helper.format(i=i)
        parts.append(chunk)
        size += len(chunk)
        i += 1
    f = tmp_path / "big.ts"
    f.write_text("".join(parts))
    t = time.perf_counter()
    proc, doc = json_findings(str(f), "--ignore", "NL001")
    assert time.perf_counter() - t < 60
    assert proc.returncode == 0 and doc["findings"] == []


def test_file_over_the_size_cap_is_a_clear_note(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "MAX_FILE_BYTES", 1000)
    f = tmp_path / "x.ts"
    f.write_text("// " + "x" * 2000 + "\n")
    res = runner.lint_target(runner.Target(str(f), True), __import__("tests.helpers").helpers.settings_for())
    assert res.error == f"{f}: file is larger than 0 MiB, not linted" or "larger than" in res.error


def test_two_hundred_thousand_character_line(tmp_path):
    f = tmp_path / "long.ts"
    f.write_text("const s = '" + "a" * 200_000 + "'; const t = ;\n")
    t = time.perf_counter()
    proc, doc = json_findings(str(f), "--select", "NL900")
    assert time.perf_counter() - t < 30
    (finding,) = doc["findings"]
    # reported inside `const t = ;`, at a character (not byte) column past the long string
    assert finding["line"] == 1 and 200_000 + 13 < finding["column"] <= 200_000 + 25


def test_deeply_nested_expression(tmp_path):
    f = tmp_path / "deep.ts"
    f.write_text("const x = " + "(" * 20000 + "1" + ")" * 20000 + ";\n" + "const y = " + "[" * 5000 + "]" * 5000 + ";\n")
    proc, doc = json_findings(str(f), "--ignore", "NL001")
    assert proc.returncode == 0, doc


def test_file_that_is_only_a_syntax_error(tmp_path):
    f = tmp_path / "acme" / "syncs" / "broken.ts"
    f.parent.mkdir(parents=True)
    f.write_text("}}} {{{ ))) ((( ;;; export default createSync(\n")
    proc, doc = json_findings(str(f))
    codes = {x["code"] for x in doc["findings"]}
    assert "NL900" in codes and proc.returncode == 1


def test_tsx_with_jsx(tmp_path):
    f = tmp_path / "acme" / "actions" / "view.tsx"
    f.parent.mkdir(parents=True)
    f.write_text(SYNC.replace("createSync", "createAction").replace("export default", "const View = () => <b>{1}</b>;\nexport default"))
    proc, doc = json_findings(str(f), "--select", "NL900")
    assert doc["findings"] == []


def test_directory_symlink_loop(tmp_path):
    (tmp_path / "a" / "syncs").mkdir(parents=True)
    (tmp_path / "a" / "syncs" / "users.ts").write_text(SYNC)
    (tmp_path / "a" / "loop").symlink_to(tmp_path)
    (tmp_path / "b").symlink_to(tmp_path / "b")  # a link to itself
    proc, doc = json_findings(str(tmp_path))
    assert doc["summary"]["files"] == 1


def test_missing_path(tmp_path):
    proc = cli(str(tmp_path / "missing.ts"))
    assert proc.returncode == 2
    assert proc.stderr.decode().strip().endswith("missing.ts: no such file or directory")


def test_path_without_read_permission(tmp_path, monkeypatch):
    f = tmp_path / "locked.ts"
    f.write_text(SYNC)
    real_open = open

    def deny(path, *a, **k):
        if str(path) == str(f):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr("builtins.open", deny)
    r = CliRunner().invoke(main_command, [str(f)])
    assert r.exit_code == 2
    assert f"{f}: permission denied" in r.output
    if os.geteuid() != 0:  # a real unreadable file too, where the OS enforces it
        monkeypatch.undo()
        f.chmod(0)
        proc = cli(str(f))
        assert proc.returncode == 2 and b"permission denied" in proc.stderr


def test_stdin_closed_early_is_an_empty_file():
    proc, doc = json_findings("-", "--stdin-filename", "acme/syncs/x.ts", input=b"")
    assert [x["code"] for x in doc["findings"]] == ["NL001"]


def test_output_to_a_closed_pipe(tmp_path):
    for i in range(50):
        (tmp_path / f"s{i}.ts").write_text(SYNC)
    proc = subprocess.run(f"{sys.executable} -m nango_lint {tmp_path} | head -1", shell=True, capture_output=True, timeout=120)
    assert b"Traceback" not in proc.stderr and b"BrokenPipe" not in proc.stderr
