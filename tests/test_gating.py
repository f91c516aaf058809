"""Exit-code gates and summaries: --max-warnings, --statistics, --exit-zero."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from nango_lint.cli import main_command

ACTION = """\
import { createAction } from 'nango';
import { z } from 'zod';

export default createAction({
    description: 'Get a contact',
    input: z.object({ id: z.string() }),
    output: z.object({ id: z.string() }),
    exec: async (nango, input) => {
        // https://developers.example.com/contacts
        const a = await nango.get({ endpoint: `/a/${input.id}`, retries: 5 });
        // https://developers.example.com/contacts
        const b = await nango.get({ endpoint: `/b/${input.id}`, retries: 7 });
        const c = await nango.get({ endpoint: `/c/${input.id}`, retries: 3 });
        return { id: a.data.id + b.data.id + c.data.id };
    }
});
"""  # two NL101 warnings (an action) and one NL104 error


@pytest.fixture
def action(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = tmp_path / "actions" / "get-contact.ts"
    f.parent.mkdir()
    f.write_text(ACTION)
    return f


def run(*args):
    return CliRunner().invoke(main_command, [str(a) for a in args], catch_exceptions=False)


def test_max_warnings(action):
    assert run("--ignore", "NL104", action).exit_code == 0
    assert run("--ignore", "NL104", "--max-warnings", "2", action).exit_code == 0
    res = run("--ignore", "NL104", "--max-warnings", "1", action)
    assert res.exit_code == 1 and "2 warnings exceed --max-warnings 1" in res.stderr
    assert run("--ignore", "NL104", "--max-warnings", "1", "--exit-zero", action).exit_code == 0


def test_statistics_rows_like_ruff(action):
    res = run("--statistics", "--select", "NL1", action)
    assert res.exit_code == 1
    assert res.stdout == "2\tNL101\tretries-above-limit\n1\tNL104\tmissing-api-doc-link\n"
    res = run("--statistics", "--select", "NL1", "--format", "json", action)
    assert json.loads(res.stdout) == [{"code": "NL101", "name": "retries-above-limit", "count": 2},
                                      {"code": "NL104", "name": "missing-api-doc-link", "count": 1}]


def test_fail_on_warning_from_the_command_line(action):
    assert run("--ignore", "NL104", "--fail-on", "warning", action).exit_code == 1
    assert run("--ignore", "NL104", "--fail-on", "warning", "--exit-zero", action).exit_code == 0
