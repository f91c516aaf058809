"""--compile with the real, pinned Nango CLI (no server, no key): installed once per session into a temp cache.

Deselect with ``-m "not npm"`` where the npm registry is unreachable.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from nango_lint.compile.toolchain import folder_name, is_ready
from tests.helpers import ROOT

pytestmark = pytest.mark.npm

CASES = "tests/compile_cases"
LONG = "600"  # --compile-timeout for tests: the CI machine may be busy


@dataclass
class Installed:
    cache: Path
    runs: list[subprocess.CompletedProcess]
    seconds: float


def base_env(cache: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NANGO_SECRET_KEY") and k != "NANGO_HOSTPORT"}
    env["NANGO_LINT_CACHE_DIR"] = str(cache)
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def toolchain(tmp_path_factory) -> Iterator[Installed]:
    """Two installers started together on an empty cache: the lock must let exactly one of them install."""
    cache = tmp_path_factory.mktemp("nango-lint-cache")
    code = "from nango_lint.compile.toolchain import ensure_toolchain; print(ensure_toolchain().root)"
    started = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=base_env(cache), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    runs = []
    for p in procs:
        out, err = p.communicate(timeout=1200)
        runs.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    yield Installed(cache, runs, time.monotonic() - started)
    shutil.rmtree(cache, ignore_errors=True)  # 220 MiB: do not leave it in pytest's kept temp folders


def cli(args: list[str], toolchain: Installed, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nango_lint", *args], cwd=cwd, env=base_env(toolchain.cache, **env),
                          capture_output=True, text=True, timeout=1200)


def nl910(stdout: str) -> list[tuple[str, int, int]]:
    out = []
    for line in stdout.splitlines():
        path, ln, col, rest = line.split(":", 3) if ": NL910 " in line else (None,) * 4
        if path:
            out.append((path, int(ln), int(col)))
    return out


def snapshot(folder: Path) -> list[tuple[str, int, float]]:
    return sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime) for p in folder.rglob("*"))


def test_two_parallel_installs_install_once(toolchain):
    assert [r.returncode for r in toolchain.runs] == [0, 0], [r.stderr for r in toolchain.runs]
    installing = [r for r in toolchain.runs if "installing the local Nango compiler (nango@0.71.10" in r.stderr]
    waiting = [r for r in toolchain.runs if "waiting for another nango-lint run" in r.stderr]
    assert len(installing) == 1 and len(waiting) == 1 and installing[0] is not waiting[0]
    root = toolchain.cache / folder_name()
    assert {r.stdout.strip() for r in toolchain.runs} == {str(root)}
    assert is_ready(root)
    assert sorted(p.name for p in toolchain.cache.iterdir()) == [folder_name(), f"{folder_name()}.lock"]


def test_good_sync_compiles(toolchain):
    before = snapshot(ROOT / "examples")
    proc = cli(["examples/demo-crm/syncs/contacts.ts", "--compile", "--compile-timeout", LONG], toolchain)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "All checks passed (1 file linted).\n"
    assert "compiled 1 function with nango 0.71.10 (local)" in proc.stderr and proc.stderr.rstrip().endswith(": passed")
    assert snapshot(ROOT / "examples") == before  # nothing written into the user's project
    assert is_ready(toolchain.cache / folder_name())  # removing the project did not touch the cache


def test_good_action_and_sync_with_helper_compile_together(toolchain):
    proc = cli([f"{CASES}/shop", "--compile", "--compile-timeout", LONG], toolchain)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "compiled 2 functions" in proc.stderr  # the helper is copied along, not compiled as a function


def test_type_errors_become_nl910_findings(toolchain):
    proc = cli([f"{CASES}/typed/syncs/tickets.ts", "--compile", "--force", "--compile-timeout", LONG, "--format", "json"],
               toolchain)
    assert proc.returncode == 10, proc.stdout + proc.stderr
    doc = json.loads(proc.stdout)
    found = {(f["line"], f["column"]): f for f in doc["findings"] if f["code"] == "NL910"}
    assert sorted(found) == [(18, 5), (19, 15), (21, 54)]
    assert all(f["code"] == "NL910" and f["name"] == "remote-compile-error" and f["severity"] == "error"
               and f["path"] == f"{CASES}/typed/syncs/tickets.ts" for f in found.values())
    assert "is not assignable to type 'ZodCheckpoint'" in found[(18, 5)]["message"]  # non-flat checkpoint schema
    assert "Property 'cursor' is incompatible with index signature." in found[(18, 5)]["message"]
    assert "Types of property 'id' are incompatible." in found[(19, 15)]["message"]  # numeric model id
    assert found[(21, 54)]["message"] == "Expected 0 type arguments, but got 1."  # getCheckpoint<T>()
    assert doc["summary"]["errors"] >= 3
    assert doc["compile"]["status"] == "failed" and doc["compile"]["exit_code"] == 10
    assert "err - typed/syncs/tickets.ts:18:5" in doc["compile"]["stdout"]


def test_error_inside_a_relative_helper_maps_to_the_helper(toolchain):
    proc = cli([f"{CASES}/broken-helper/billing/syncs/invoices.ts", "--compile", "--force", "--compile-timeout", LONG],
               toolchain)
    assert proc.returncode == 10, proc.stdout + proc.stderr
    assert nl910(proc.stdout) == [(f"{CASES}/broken-helper/billing/helpers/invoices.ts", 8, 11)]
    assert "Type 'string' is not assignable to type 'number'." in proc.stdout


def test_several_files_compile_in_one_run_and_map_to_their_own_files(toolchain):
    proc = cli([f"{CASES}/shop", f"{CASES}/typed", "--compile", "--force", "--compile-timeout", LONG], toolchain)
    assert proc.returncode == 10
    assert "compiled 3 functions" in proc.stderr
    assert {p for p, _, _ in nl910(proc.stdout)} == {f"{CASES}/typed/syncs/tickets.ts"}


def test_build_stage_error_with_force(toolchain):
    """get-account.ts has lint errors; --force compiles anyway and the CLI's Babel check reports the named export."""
    proc = cli(["examples/demo-crm/actions/get-account.ts", "--compile", "--force", "--compile-timeout", LONG], toolchain)
    assert proc.returncode == 10
    assert nl910(proc.stdout) == [("examples/demo-crm/actions/get-account.ts", 5, 1)]
    assert "Named export 'OutputSchema' is not allowed" in proc.stdout
    assert "NL004" in proc.stdout  # the lint findings are reported too


def test_time_limit_is_a_tool_error_and_the_project_is_removed(toolchain, tmp_path):
    proc = cli(["examples/demo-crm/syncs/contacts.ts", "--compile", "--compile-timeout", "1"], toolchain,
               TMPDIR=str(tmp_path))
    assert proc.returncode == 2
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("nango-lint: error:")]
    assert errors == ["nango-lint: error: the local compile did not finish within 1 s; raise the limit with "
                      "--compile-timeout SECONDS or compile fewer files at once"]
    assert list(tmp_path.iterdir()) == []


def _processes_in(folder: Path) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.readlink(entry / "cwd").startswith(str(folder)):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="uses /proc to find leftover processes")
def test_ctrl_c_during_a_compile_removes_the_project_and_stops_the_cli(toolchain, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "nango_lint", "examples/demo-crm/syncs/contacts.ts", "--compile",
                             "--compile-timeout", LONG], cwd=ROOT, env=base_env(toolchain.cache, TMPDIR=str(tmp_path)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    project = None
    while time.monotonic() < deadline and project is None:
        found = [p for p in tmp_path.glob("nango-lint-compile-*") if (p / "index.ts").exists()]
        project = found[0] if found else None
        time.sleep(0.05)
    assert project is not None, "the compile never started"
    time.sleep(0.5)  # let node start
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "nango-lint: interrupted" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
    assert _processes_in(project) == []
