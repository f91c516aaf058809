"""The pre-commit hook, under the real ``pre-commit try-repo``: a bad function fails the hook, a good one passes.

pre-commit installs the hook repository with pip from a git commit, so the current worktree (tracked and
untracked, not ignored files) is copied into a temporary repository and committed there first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

BAD = """import { createSync } from 'nango';
import { z } from 'zod';

export default createSync({
    description: 'Accounts',
    version: '1.0.0',
    frequency: 'every hour',
    syncType: 'incremental',
    models: { Account: z.object({ id: z.string() }) },
    exec: async (nango) => {
        // https://developer.example-crm.com/reference/accounts
        const res = await nango.get({ endpoint: '/v1/accounts', retries: 3 });
        await nango.batchSave(res.data, 'Account');
    }
});
"""

GOOD = """import { createAction } from 'nango';
import { z } from 'zod';

export default createAction({
    description: 'Ping the API',
    version: '1.0.0',
    input: z.object({}),
    output: z.object({ ok: z.boolean() }),
    exec: async (nango) => {
        // https://developer.example-crm.com/reference/ping
        await nango.get({ endpoint: '/v1/ping', retries: 3 });
        return { ok: true };
    }
});
"""

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def snapshot_of_worktree(dest: Path) -> Path:
    """Commit the worktree as it is now (what pre-commit would install from a published tag) into ``dest``."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "snapshot")
    return dest


def try_repo(hook_repo: Path, project: Path, pre_commit_home: Path, *files: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(pre_commit_home), "PRE_COMMIT_COLOR": "never"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "nango-lint",
                           "--files", *files], cwd=project, capture_output=True, text=True, env=env, timeout=900)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_hook_runs_under_real_pre_commit(tmp_path):
    hook_repo = snapshot_of_worktree(tmp_path / "hook-repo")
    project = tmp_path / "project"
    for rel, text in (("integrations/crm/syncs/accounts.ts", BAD), ("integrations/crm/actions/ping.ts", GOOD),
                      ("integrations/crm/types.d.ts", "export declare const x: number;\n")):
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text, encoding="utf-8")
    git(project, "init", "-q")
    git(project, "add", "-A")
    home = tmp_path / "pre-commit-home"

    bad = try_repo(hook_repo, project, home, "integrations/crm/syncs/accounts.ts", "integrations/crm/actions/ping.ts")
    output = bad.stdout + bad.stderr
    assert bad.returncode == 1, output
    assert "Failed" in output
    assert "integrations/crm/syncs/accounts.ts:8:5: NL401" in output
    assert "ping.ts" not in output.split("Failed", 1)[1]  # the good file has no finding

    good = try_repo(hook_repo, project, home, "integrations/crm/actions/ping.ts")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout

    # Declaration files are excluded by the manifest, so the hook has nothing to run on.
    skipped = try_repo(hook_repo, project, home, "integrations/crm/types.d.ts")
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert "no files to check" in skipped.stdout.lower()


def test_manifest_matches_the_file_types_nango_lint_lints():
    import re

    import yaml  # pre-commit depends on PyYAML

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "nango-lint" and hook["entry"] == "nango-lint" and hook["language"] == "python"
    assert hook["require_serial"] is True and "minimum_pre_commit_version" in hook
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])

    def matched(name: str) -> bool:
        return bool(files.search(name)) and not exclude.search(name)

    assert all(matched(n) for n in ("a/syncs/x.ts", "x.mts", "x.cts", "x.tsx"))
    assert not any(matched(n) for n in ("x.d.ts", "x.js", "x.ts.bak", "x.json"))
