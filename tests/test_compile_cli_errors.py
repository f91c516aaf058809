"""--compile problems that stop before (or instead of) a compile: each is one line on stderr and an exit code.

These run the real command line in a subprocess; none of them needs the npm registry.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nango_lint.compile.select import choose_compiler, has_secret_key
from tests.helpers import ROOT

CONTACTS = "examples/demo-crm/syncs/contacts.ts"


def cli(args: list[str], tmp_path: Path, cwd: Path = ROOT, **env_extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NANGO_SECRET_KEY") and k != "NANGO_HOSTPORT"}
    env["NANGO_LINT_CACHE_DIR"] = str(tmp_path / "cache")
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "nango_lint", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("nango-lint: error:")]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_node_missing_from_path(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    proc = cli([str(ROOT / CONTACTS), "--compile"], tmp_path, cwd=tmp_path, PATH=str(empty))
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert "node was not found on PATH" in line and "Node.js 20 or newer" in line and "--compiler remote" in line
    # no toolchain was installed (the cache may hold nango-lint's own rule index, rules-*.json)
    assert not [p for p in (tmp_path / "cache").glob("*") if not p.name.startswith("rules-")]


def test_node_too_old(tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    node = bindir / "node"
    node.write_text("#!/bin/sh\necho v18.19.0\n")
    node.chmod(0o755)
    proc = cli([str(ROOT / CONTACTS), "--compile"], tmp_path, cwd=tmp_path, PATH=str(bindir))
    assert proc.returncode == 2
    assert "node v18.19.0 is too old; the local compiler needs Node.js 20 or newer" in one_error_line(proc)


@pytest.mark.skipif(shutil.which("npm") is None or shutil.which("node") is None, reason="needs node and npm installed")
def test_npm_install_failing_offline_is_one_line_and_leaves_no_half_install(tmp_path):
    proc = cli([CONTACTS, "--compile"], tmp_path, npm_config_registry="http://127.0.0.1:9/",
               npm_config_fetch_retries="0", npm_config_cache=str(tmp_path / "npm-cache"))
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert "npm install of nango@0.71.10 failed (ECONNREFUSED" in line and "npm config get registry" in line
    assert "installing the local Nango compiler" in proc.stderr  # the progress message came first
    assert proc.stdout.strip() == "All checks passed (1 file linted)."  # the lint report is still printed
    assert sorted(p.name for p in (tmp_path / "cache").iterdir() if not p.name.startswith("rules-")) == ["nango-0.71.10.lock"]


def test_lint_errors_stop_the_compile_unless_forced(tmp_path):
    proc = cli(["examples/demo-crm/syncs/deals.ts", "--compile"], tmp_path, PATH=str(tmp_path))  # no node needed
    assert proc.returncode == 1
    assert re.search(r"^nango-lint: compile skipped: the lint found \d+ errors; fix them first or compile anyway with "
                     r"--force$", proc.stderr, re.M), proc.stderr
    assert "NL910" not in proc.stdout


def test_compiler_remote_without_a_key_is_one_line(tmp_path):
    proc = cli([CONTACTS, "--compile", "--compiler", "remote"], tmp_path)
    assert proc.returncode == 2
    assert one_error_line(proc) == "nango-lint: error: no secret key: set NANGO_SECRET_KEY in the environment or in .env"


def test_auto_picks_remote_when_dotenv_has_a_key(tmp_path):
    # a key in .env makes `auto` use the server; api.nango.dev does not resolve here, which proves the choice
    (tmp_path / ".env").write_text("NANGO_SECRET_KEY=sk-test-not-a-real-key\n")
    proc = cli([str(ROOT / CONTACTS), "--compile"], tmp_path, cwd=tmp_path)
    assert proc.returncode == 2
    assert re.search(r"remote compile: cannot (connect to|resolve) api\.nango\.dev \(", one_error_line(proc))
    assert "sk-test" not in proc.stderr + proc.stdout


def test_nothing_to_compile(tmp_path):
    proc = cli(["tests/compile_cases/shop/helpers", "--compile"], tmp_path)
    assert proc.returncode == 2
    assert "nothing to compile: no file defines a Nango function" in one_error_line(proc)


def test_compiler_selection(tmp_path):
    dotenv = tmp_path / ".env"
    assert choose_compiler("auto", environ={}, dotenv_path=str(dotenv)) == "local"
    assert choose_compiler("auto", environ={"NANGO_SECRET_KEY": "sk"}, dotenv_path=str(dotenv)) == "remote"
    assert choose_compiler("auto", environ={"NANGO_SECRET_KEY": "  "}, dotenv_path=str(dotenv)) == "local"
    assert choose_compiler("local", environ={"NANGO_SECRET_KEY": "sk"}, dotenv_path=str(dotenv)) == "local"
    assert choose_compiler("remote", environ={}, dotenv_path=str(dotenv)) == "remote"
    dotenv.write_text("# comment\nNANGO_SECRET_KEY_PROD='sk-prod'\n")
    assert not has_secret_key(None, {}, str(dotenv))
    assert has_secret_key("prod", {}, str(dotenv))
    assert choose_compiler("auto", "prod", environ={}, dotenv_path=str(dotenv)) == "remote"
