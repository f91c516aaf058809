"""Parsing the server's text, settings resolution, the progress indicator, and the lazy httpx import."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from nango_lint.parsing import parse_source
from nango_lint.remote.diagnostics import compile_findings, parse_compile_errors, sync_counts
from nango_lint.remote.errors import RemoteSetupError
from nango_lint.remote.settings import resolve_settings

TS_TEXT = ("\nerr - demo/syncs/function.ts:12:5 \r\n  Type 'string' is not assignable to type 'number'.\r\n\n"
           "err - demo/syncs/function.ts:20 \r\n  Type '{ a: string; }[]' is not assignable to type 'X'.\n"
           "  Type '{ a: string; }' is missing the following properties\n    Types of property 'a' are incompatible.\r\n\n"
           "err - demo/syncs/function.ts \r\n  Cannot find name 'foo'.\r\n\n✗ Typechecking\nFound 3 errors")


def test_parse_type_errors_with_quirks():
    d = parse_compile_errors(TS_TEXT)
    assert [(x.path, x.line, x.column) for x in d] == [("demo/syncs/function.ts", 12, 5), ("demo/syncs/function.ts", 20, None),
                                                        ("demo/syncs/function.ts", None, None)]
    assert d[0].message == "Type 'string' is not assignable to type 'number'."
    assert d[1].message.splitlines() == ["Type '{ a: string; }[]' is not assignable to type 'X'.",
                                         "  Type '{ a: string; }' is missing the following properties",
                                         "    Types of property 'a' are incompatible."]


def test_parse_build_and_definition_errors():
    text = ("✓ Typechecking\n✗ Failed to build ./function/functions/function.js\n"
            "err - ./function/functions/function.ts:7 \r\n  nango.batchSave() calls must be awaited in.\n"
            "✗ Failed to compile definitions\nerr - ./demo/syncs/function.ts \r\n  createSync > frequency Interval is invalid\r\n")
    d = parse_compile_errors(text)
    assert [(x.path, x.line, x.message) for x in d] == [
        ("function/functions/function.ts", 7, "nango.batchSave() calls must be awaited in."),
        ("demo/syncs/function.ts", None, "createSync > frequency Interval is invalid")]


def test_findings_map_to_the_users_file_and_clamp():
    src = "a\nbb\nccc\n" * 10
    parsed = parse_source("x/syncs/mine.ts", src.encode())
    text = ("err - x/syncs/mine.ts:2:2 \r\n  one\r\n\nerr - index.ts:3:1 \r\n  two\r\n\n"
            "err - function/functions/function.ts:999:99 \r\n  three\r\n")
    fs = compile_findings(parse_compile_errors(text), text, parsed, "proj/x/syncs/mine.ts", "mine", "compile")
    assert [(f.path, f.line, f.column, f.code) for f in fs] == [
        ("proj/x/syncs/mine.ts", 2, 2, "NL910"), ("proj/x/syncs/mine.ts", 3, 1, "NL910"), ("proj/x/syncs/mine.ts", 31, 1, "NL910")]
    assert fs[1].message == "Remote compile: [index.ts] two"  # not our file: named, reported on its line
    none = compile_findings([], "✗ Generating artifacts\nScript should have a default export", parsed, "p.ts", None, "compile")
    assert [(f.line, f.column) for f in none] == [(1, 1)] and "Script should have a default export" in none[0].message


def test_sync_counts_from_output():
    out = ('Executing -> sync\nThe dry run would produce the following results: {\n  "updated": 1,\n  "added": 5,\n'
           '  "deleted": 2\n}\nThe following log messages were generated:\n{"id": "1"}')
    assert sync_counts(out) == {"added": 5, "updated": 1, "deleted": 2}
    per_model = 'The dry run would produce the following results: {"Contact": {"added": 1, "updated": 0, "deleted": 0}, ' \
                '"Deal": {"added": 2, "updated": 3, "deleted": 1}}'
    assert sync_counts(per_model) == {"added": 3, "updated": 3, "deleted": 1,
                                      "models": {"Contact": {"added": 1, "updated": 0, "deleted": 0},
                                                 "Deal": {"added": 2, "updated": 3, "deleted": 1}}}
    assert sync_counts("no counts here") is None and sync_counts(None) is None
    assert sync_counts("\x1b[33mThe dry run would produce the following results: {\"updated\":0,\"added\":0,\"deleted\":0}\x1b[39m") \
        == {"added": 0, "updated": 0, "deleted": 0}


def test_settings_order_and_refusals(tmp_path):
    key = "3f1c2b9a-5d4e-4f6a-8b7c-9d0e1f2a3b4c"
    s = resolve_settings(None, environ={"NANGO_SECRET_KEY": key}, cwd=tmp_path)
    assert s.base_url == "https://api.nango.dev" and s.host == "api.nango.dev" and s.host_variable is None
    s = resolve_settings(None, environ={"NANGO_SECRET_KEY": key, "NANGO_HOSTPORT": "https://n.example.com:8443/"},
                         cwd=tmp_path)
    assert s.base_url == "https://n.example.com:8443" and s.host == "n.example.com:8443"
    for url in ("http://[::1]:3003", "http://localhost:3003", "http://127.0.0.2"):
        assert resolve_settings(None, environ={"NANGO_SECRET_KEY": key, "NANGO_SERVER_URL": url}, cwd=tmp_path)
    with pytest.raises(RemoteSetupError, match="plain http://"):
        resolve_settings(None, environ={"NANGO_SECRET_KEY": key, "NANGO_SERVER_URL": "http://10.0.0.5:3003"}, cwd=tmp_path)
    assert resolve_settings(None, True, environ={"NANGO_SECRET_KEY": key, "NANGO_SERVER_URL": "http://10.0.0.5"}, cwd=tmp_path)
    with pytest.raises(RemoteSetupError, match="must not contain a user name"):
        resolve_settings(None, environ={"NANGO_SECRET_KEY": key, "NANGO_SERVER_URL": "https://u:p@x.example"}, cwd=tmp_path)
    with pytest.raises(RemoteSetupError, match="not an http"):
        resolve_settings(None, environ={"NANGO_SECRET_KEY": key, "NANGO_SERVER_URL": "ftp://x"}, cwd=tmp_path)
    with pytest.raises(RemoteSetupError, match="cannot be sent in an HTTP header") as exc:
        resolve_settings(None, environ={"NANGO_SECRET_KEY": "abc def"}, cwd=tmp_path)
    assert "abc def" not in str(exc.value)
    (tmp_path / ".env").write_text("NANGO_SECRET_KEY_DEV=from-dotenv\nexport NANGO_SERVER_URL='https://dot.example.com'\n")
    s = resolve_settings("dev", environ={}, cwd=tmp_path)
    assert s.key.reveal() == "from-dotenv" and s.key_variable == "NANGO_SECRET_KEY_DEV" and s.host == "dot.example.com"
    s = resolve_settings("dev", environ={"NANGO_SECRET_KEY_DEV": key, "NANGO_SERVER_URL": "https://env.example.com"},
                         cwd=tmp_path)
    assert s.key.reveal() == key and s.host == "env.example.com"


def test_progress_only_on_a_terminal():
    from nango_lint.remote.pipeline import _Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    pipe, tty = io.StringIO(), Tty()
    for stream in (pipe, tty):
        p = _Progress(stream)
        p("dryrun", 3.2)
        p.clear()
    assert pipe.getvalue() == ""
    assert "remote dryrun running (3 s)" in tty.getvalue() and tty.getvalue().endswith("\r\x1b[K")


def test_plain_lint_does_not_import_httpx(tmp_path):
    (tmp_path / "f.ts").write_text("export const x = 1;\n")
    code = ("import sys\nfrom click.testing import CliRunner\nfrom nango_lint.cli import main_command\n"
            f"r = CliRunner().invoke(main_command, [{str(tmp_path / 'f.ts')!r}])\n"
            "assert 'httpx' not in sys.modules, 'httpx imported'\n"
            "assert 'dotenv' not in sys.modules, 'dotenv imported'\nprint('ok', r.exit_code)\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       cwd=Path(__file__).resolve().parents[2])
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("ok")
