"""Flags, settings and inputs that are wrong before any request: one line, exit 2, nothing sent."""

from __future__ import annotations

import pytest

from tests.remote.conftest import ACTION, KEY, PROD_KEY, SYNC, base_env, cli, write

SYNC_PATH = "demo-crm/syncs/contacts.ts"
ACTION_PATH = "demo-crm/actions/get-account.ts"


@pytest.mark.parametrize("args,expected", [
    ([SYNC_PATH, ACTION_PATH, "--compile"], "--compile works on exactly one file"),
    (["demo-crm", "--compile"], "--compile works on one file, and demo-crm is a directory"),
    ([SYNC_PATH, "--dryrun"], "--dryrun needs --connection-id"),
    ([SYNC_PATH, "--compile", "--input", "{}"], "--input only applies to a dryrun"),
    ([SYNC_PATH, "--connection-id", "conn-1"], "--connection-id needs --compile, --dryrun or --deploy"),
    ([SYNC_PATH, "--api", "legacy"], "--api needs --compile, --dryrun or --deploy"),
    ([ACTION_PATH, "--dryrun", "--connection-id", "c", "--input", "{id: 1}"], "--input: invalid JSON in value"),
    ([ACTION_PATH, "--dryrun", "--connection-id", "c", "--input", "@missing.json"], "--input @missing.json: no such file"),
    ([SYNC_PATH, "--dryrun", "--connection-id", "c", "--metadata", "[1]"], "--metadata must be a JSON object"),
    ([SYNC_PATH, "--dryrun", "--connection-id", "c", "--checkpoint", '{"cursor": {"page": 2}}'],
     "--checkpoint value 'cursor' is object: checkpoint values must be strings, numbers or booleans"),
    ([SYNC_PATH, "--dryrun", "--connection-id", "c", "--checkpoint", '{"ids": [1, 2]}'], "'ids' is array"),
    ([SYNC_PATH, "--dryrun", "--connection-id", "c", "--checkpoint", '"abc"'], "--checkpoint must be a JSON object"),
    ([SYNC_PATH, "--dryrun", "--connection-id", "c", "--last-sync-date", "2026-01-31T10:00:00+02:00"],
     "is not an ISO-8601 UTC date-time ending in Z"),
    ([SYNC_PATH, "--dryrun", "--connection-id", "c", "--last-sync-date", "2026-02-31T10:00:00Z"], "ending in Z"),
    ([SYNC_PATH, "--compile", "--function-type", "action"], "--function-type action does not match the file"),
    ([SYNC_PATH, "--compile", "--environment", "prod!"], "invalid --environment"),
])
def test_usage_errors_send_nothing(project, server, run, args, expected):
    r = run(*args)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    [line] = r.stderr.strip().splitlines()
    assert line.startswith("nango-lint: error: ") and expected in line, line
    assert server.requests == []
    assert r.exception is None


def test_relative_import_is_refused(project, server, run):
    write(project / SYNC_PATH, SYNC.replace("import { z } from 'zod';", "import { z } from 'zod';\nimport { toContact } from '../helpers/map.js';"))
    r = run(SYNC_PATH, "--compile")
    assert r.exit_code == 2
    assert f"{SYNC_PATH}:3 imports '../helpers/map.js': a remote function is one file" in r.stderr
    assert server.requests == []


def test_file_that_is_not_a_sync_or_action_cannot_dryrun(project, server, run):
    write(project / "demo-crm/syncs/util.ts", "export type Row = { id: string };\n")
    r = run("demo-crm/syncs/util.ts", "--dryrun", "--connection-id", "conn-1", "--force")
    assert r.exit_code == 2 and "neither createSync() nor createAction()" in r.stderr
    assert server.requests == []


def test_missing_key_is_an_error_before_any_request(project, server):
    # without a key `--compile` would compile locally; `--compiler remote` insists on the server
    r = cli([SYNC_PATH, "--compile", "--compiler", "remote"], base_env(server, NANGO_SECRET_KEY=None))
    assert r.exit_code == 2
    assert r.stderr.strip() == "nango-lint: error: no secret key: set NANGO_SECRET_KEY in the environment or in .env"
    assert r.stdout == ""  # nothing was linted either
    assert server.requests == []


def test_plain_http_to_a_remote_host_is_refused(project, server):
    r = cli([SYNC_PATH, "--compile"], base_env(server, NANGO_SERVER_URL="http://nango.example.com"))
    assert r.exit_code == 2
    assert "refusing to send the secret key over plain http:// to nango.example.com" in r.stderr
    assert "--allow-insecure-http" in r.stderr


def test_environment_selects_the_named_key(project, server):
    r = cli([SYNC_PATH, "--compile", "--environment", "prod"], base_env(server, NANGO_SECRET_KEY_PROD=PROD_KEY))
    assert r.exit_code == 0, r.stderr
    assert server.requests[0].headers["authorization"] == f"Bearer {PROD_KEY}"
    r = cli([SYNC_PATH, "--compile", "--environment", "staging"], base_env(server))
    assert r.exit_code == 2 and "set NANGO_SECRET_KEY_STAGING" in r.stderr


def test_dotenv_is_read_but_the_environment_wins(project, server):
    (project / ".env").write_text(f"# local settings\nNANGO_SERVER_URL={server.url}/\nNANGO_SECRET_KEY=\"{PROD_KEY}\"\n")
    r = cli([SYNC_PATH, "--compile"], base_env(None, NANGO_SECRET_KEY=None))
    assert r.exit_code == 0, r.stderr  # both from .env (the trailing / is stripped)
    assert server.requests[-1].headers["authorization"] == f"Bearer {PROD_KEY}"
    assert server.requests[-1].path == "/functions/compile"
    r = cli([SYNC_PATH, "--compile"], base_env(None, NANGO_SECRET_KEY=KEY))
    assert r.exit_code == 0
    assert server.requests[-1].headers["authorization"] == f"Bearer {KEY}"


def test_nango_hostport_is_the_fallback_host(project, server):
    r = cli([SYNC_PATH, "--compile"], base_env(None, NANGO_HOSTPORT=server.url))
    assert r.exit_code == 0, r.stderr
    assert len(server.requests) == 1
    # NANGO_SERVER_URL wins over NANGO_HOSTPORT
    r = cli([SYNC_PATH, "--compile"], base_env(server, NANGO_HOSTPORT="https://unused.example.com"))
    assert r.exit_code == 0 and len(server.requests) == 2


def test_nothing_is_written_into_the_project(project, server, run):
    write(project / "in.json", '{"id": "1"}')
    before = sorted((p.relative_to(project), p.stat().st_mtime_ns) for p in project.rglob("*"))
    assert run(ACTION_PATH, "--deploy", "--connection-id", "conn-1", "--input", "@in.json").exit_code == 0
    bad = run(SYNC_PATH.replace("contacts", "nope"), "--compile")
    assert bad.exit_code == 2
    after = sorted((p.relative_to(project), p.stat().st_mtime_ns) for p in project.rglob("*"))
    assert before == after
    assert ACTION == (project / ACTION_PATH).read_text()
