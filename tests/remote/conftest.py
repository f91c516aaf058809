"""Fixtures for the remote pass: a fake Nango server on loopback and a small Nango project in a temp folder."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from nango_lint.cli import main_command
from tests.remote.fake_nango import Account, FakeNango

KEY = "3f1c2b9a-5d4e-4f6a-8b7c-9d0e1f2a3b4c"  # a UUID v4, distinctive enough to search every output for it
PROD_KEY = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"

SYNC = """import { createSync } from 'nango';
import { z } from 'zod';

const Contact = z.object({ id: z.string(), name: z.string() });

export default createSync({
    description: 'Contacts from the demo CRM',
    frequency: 'every hour', // full refresh: the endpoint has no changed-since filter
    autoStart: true,
    models: { Contact },
    exec: async (nango) => {
        // https://developer.example.com/docs/contacts
        const res = await nango.get({ endpoint: '/contacts', retries: 3 });
        await nango.batchSave(res.data.items, 'Contact');
    }
});
"""

ACTION = """import { createAction } from 'nango';
import { z } from 'zod';

export default createAction({
    description: 'Fetch one account',
    input: z.object({ id: z.string() }),
    output: z.object({ id: z.string() }),
    exec: async (nango, input) => {
        // https://developer.example.com/docs/accounts
        const res = await nango.get({ endpoint: `/accounts/${input.id}`, retries: 3 });
        return { id: String(res.data.id) };
    }
});
"""


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def json(self) -> dict:
        return json.loads(self.stdout)


@pytest.fixture
def server():
    fake = FakeNango(generation="current", keys={KEY: Account(), PROD_KEY: Account()}).start()
    yield fake
    fake.stop()


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A Nango project in a temp folder, which is also the working directory (so no stray .env is read)."""
    (tmp_path / "demo-crm" / "syncs").mkdir(parents=True)
    (tmp_path / "demo-crm" / "actions").mkdir(parents=True)
    (tmp_path / "demo-crm" / "syncs" / "contacts.ts").write_text(SYNC)
    (tmp_path / "demo-crm" / "actions" / "get-account.ts").write_text(ACTION)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def base_env(server: FakeNango | None, **more) -> dict:
    env = {k: None for k in os.environ if k.startswith(("NANGO_SECRET_KEY", "NANGO_SERVER_URL", "NANGO_HOSTPORT"))}
    env.update({"NANGO_SERVER_URL": server.url if server else None, "NANGO_SECRET_KEY": KEY,
                "NANGO_LINT_POLL_INTERVAL": "0.01", "NANGO_LINT_RETRY_BACKOFF": "0.01"})
    env.update(more)
    return env


def cli(args: list[str], env: dict) -> Run:
    result = CliRunner().invoke(main_command, args, env=env, catch_exceptions=True)
    return Run(result.exit_code, result.stdout, result.stderr, result.exception if not isinstance(result.exception, SystemExit) else None)


@pytest.fixture
def run(server):
    def invoke(*args: str, **env) -> Run:
        return cli(list(args), base_env(server, **env))

    return invoke


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path
