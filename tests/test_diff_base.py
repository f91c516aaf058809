"""--diff-base REF (nango_lint/diff_base.py), in a real temporary git repository."""

from __future__ import annotations

import json
import subprocess

import pytest
from click.testing import CliRunner

from nango_lint.cli import main_command
from nango_lint.diff_base import parse_diff

HEAD = """\
import { createSync } from 'nango';
import { z } from 'zod';

export default createSync({
    description: 'Contacts',
    frequency: 'every hour', // full refresh: small dataset
    models: { Contact: z.object({ id: z.string() }) },
    exec: async (nango) => {
"""
TAIL = """\
        await nango.batchSave([], 'Contact');
    }
});
"""
OLD = "        const a = await nango.get({ endpoint: '/a', retries: 3 });\n"
NEW = "        const b = await nango.get({ endpoint: '/b', retries: 3 });\n"


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                    *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    f = tmp_path / "integ" / "syncs" / "contacts.ts"
    f.parent.mkdir(parents=True)
    f.write_text(HEAD + OLD + TAIL)
    (tmp_path / "integ" / "syncs" / "untouched.ts").write_text(HEAD + OLD + TAIL)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    return tmp_path


def run(*args):
    return CliRunner().invoke(main_command, [str(a) for a in args], catch_exceptions=False)


def reported(res):
    return [(x["path"], x["code"], x["line"]) for x in json.loads(res.stdout)["findings"]]


def test_only_findings_on_changed_lines(repo):
    f = repo / "integ" / "syncs" / "contacts.ts"
    f.write_text(HEAD + OLD + NEW + TAIL)  # uncommitted change
    all_findings = reported(run("--format", "json", "integ"))
    assert len(all_findings) == 3
    res = run("--format", "json", "--diff-base", "main", "integ")
    assert reported(res) == [("integ/syncs/contacts.ts", "NL104", 10)]
    assert res.exit_code == 1


def test_committed_changes_on_the_branch_count(repo):
    f = repo / "integ" / "syncs" / "contacts.ts"
    f.write_text(HEAD + NEW + OLD + TAIL)
    git(repo, "commit", "-q", "-am", "feature work")
    res = run("--format", "json", "--diff-base", "main", "integ")
    assert reported(res) == [("integ/syncs/contacts.ts", "NL104", 9)]


def test_untracked_files_are_wholly_new(repo):
    new = repo / "integ" / "syncs" / "fresh.ts"
    new.write_text(HEAD + OLD + NEW + TAIL)
    res = run("--format", "json", "--diff-base", "main", "integ")
    assert reported(res) == [("integ/syncs/fresh.ts", "NL104", 9), ("integ/syncs/fresh.ts", "NL104", 10)]


def test_no_changes_means_a_clean_run(repo):
    res = run("--diff-base", "main", "integ")
    assert res.exit_code == 0 and "All checks passed" in res.stdout


def test_works_from_a_subfolder(repo, monkeypatch):
    (repo / "integ" / "syncs" / "contacts.ts").write_text(HEAD + OLD + NEW + TAIL)
    monkeypatch.chdir(repo / "integ")
    res = run("--format", "json", "--diff-base", "main", "syncs")
    assert reported(res) == [("syncs/contacts.ts", "NL104", 10)]


def test_bad_ref_is_one_line_exit_2(repo):
    res = run("--diff-base", "no-such-branch", "integ")
    assert res.exit_code == 2
    assert "no-such-branch" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_outside_a_git_repository_is_one_line_exit_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    f = tmp_path / "x.ts"
    f.write_text(HEAD + OLD + TAIL)
    res = run("--diff-base", "main", f)
    assert res.exit_code == 2 and "not inside a git repository" in res.stderr


def test_parse_diff_hunks_and_quoted_paths():
    diff = (
        b"diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -3,0 +4,2 @@\n+x\n+y\n@@ -10 +12 @@\n-old\n+new\n"
        b"@@ -20,3 +23,0 @@\n-gone\n"
        b'diff --git "a/sp ace\\303\\251.ts" "b/sp ace\\303\\251.ts"\n--- /dev/null\n+++ "b/sp ace\\303\\251.ts"\n'
        b"@@ -0,0 +1 @@\n+z\n"
        b"diff --git a/del.ts b/del.ts\n--- a/del.ts\n+++ /dev/null\n@@ -1 +0,0 @@\n-q\n"
    )
    assert parse_diff(diff) == {"a.ts": {4, 5, 12}, "sp ace\u00e9.ts": {1}}
