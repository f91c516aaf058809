"""The composite GitHub Action, executed step by step the way the runner does: each ``run`` script under bash with
its ``env`` (inputs substituted), ``GITHUB_ACTION_PATH`` set to this repository and ``GITHUB_ENV`` carried over."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT
from tests.test_formats import sarif_validator
from tests.test_precommit import BAD, GOOD

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def run_action(workspace: Path, temp: Path, inputs: dict[str, str]) -> list[subprocess.CompletedProcess]:
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    values.update(inputs)
    github_env = temp / "github_env"
    github_env.touch()
    carried: dict[str, str] = {}
    results = []
    for step in ACTION["runs"]["steps"]:
        assert step["shell"] == "bash"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "NANGO_LINT"))}
        env.update({"GITHUB_ACTIONS": "true", "GITHUB_ACTION_PATH": str(ROOT), "RUNNER_TEMP": str(temp),
                    "GITHUB_ENV": str(github_env), "GITHUB_WORKSPACE": str(workspace), **carried})
        for key, value in step.get("env", {}).items():
            env[key] = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], value)
        # The runner's own invocation for `shell: bash`.
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=workspace, env=env, capture_output=True,
                              text=True, timeout=900)
        results.append(proc)
        if proc.returncode != 0:
            break
        carried.update(line.split("=", 1) for line in github_env.read_text().splitlines() if "=" in line)
    return results


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_action_annotates_and_writes_sarif(tmp_path):
    workspace = tmp_path / "repo"
    for rel, text in (("integrations/crm/syncs/accounts.ts", BAD), ("integrations/crm/actions/ping.ts", GOOD)):
        (workspace / rel).parent.mkdir(parents=True, exist_ok=True)
        (workspace / rel).write_text(text, encoding="utf-8")
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    install, lint = run_action(workspace, temp, {"paths": "integrations", "args": "--fail-on error",
                                                 "sarif-file": "nango-lint.sarif"})
    assert install.returncode == 0, install.stderr
    assert lint.returncode == 1, lint.stderr  # the step fails on errors
    assert lint.stdout.startswith("::error file=integrations/crm/syncs/accounts.ts,line=8,")
    sarif = json.loads((workspace / "nango-lint.sarif").read_text(encoding="utf-8"))
    assert not list(sarif_validator().iter_errors(sarif))
    # NL401 (syncType) and NL207 (a full refresh with no comment saying why): BAD has both
    assert sorted(r["ruleId"] for r in sarif["runs"][0]["results"]) == ["NL207", "NL401"]
