"""End to end against the fake server's current API (/functions/*): what the CLI prints, exits with, and sends."""

from __future__ import annotations

import json

from tests.remote.conftest import ACTION, KEY, SYNC, write

SYNC_PATH = "demo-crm/syncs/contacts.ts"
ACTION_PATH = "demo-crm/actions/get-account.ts"


def test_compile_sends_only_the_code_with_json_and_bearer_headers(project, server, run):
    r = run(SYNC_PATH, "--compile")
    assert r.exit_code == 0, r.stderr
    assert server.paths() == ["POST /functions/compile"]
    req = server.requests[0]
    assert req.body == {"code": SYNC}  # strict: only {code} on the current API
    assert req.query == ""
    assert req.headers["authorization"] == f"Bearer {KEY}"
    assert req.headers["content-type"] == "application/json"
    assert req.headers["accept"] == "application/json"
    assert req.headers["user-agent"].startswith("nango-lint/")
    assert "nango-is-script" not in req.headers
    assert "All checks passed" in r.stdout
    assert "Remote compile passed (current API" in r.stdout
    assert r.stdout.index("All checks passed") < r.stdout.index("Remote compile passed")
    assert "using the current /functions API" in r.stderr and server.host in r.stderr


def test_compile_error_becomes_nl910_on_the_users_line_and_exits_10(project, server, run):
    bad = SYNC.replace("retries: 3", "retries: '3'")
    write(project / SYNC_PATH, bad)
    r = run(SYNC_PATH, "--compile")
    assert r.exit_code == 10, (r.stdout, r.stderr)
    line = next(i for i, text in enumerate(bad.splitlines(), 1) if "retries: '3'" in text)
    col = bad.splitlines()[line - 1].index("'3'") + 1
    assert f"{SYNC_PATH}:{line}:{col}: NL910 error Remote compile: Type 'string' is not assignable to type 'number'." in r.stdout
    assert "Remote compile failed (compilation_error)." in r.stdout
    assert "remote compile failed (compilation_error): 1 diagnostic" in r.stderr

    j = run(SYNC_PATH, "--compile", "-f", "json")
    assert j.exit_code == 10
    doc = j.json()
    [finding] = [f for f in doc["findings"] if f["code"] == "NL910"]
    assert (finding["path"], finding["line"], finding["column"], finding["severity"]) == (SYNC_PATH, line, col, "error")
    assert finding["name"] == "remote-compile-error"
    [step] = doc["remote"]["steps"]
    assert step["step"] == "compile" and step["status"] == "failed" and step["http_status"] == 400
    assert step["error"]["code"] == "compilation_error"
    assert f"err - function/functions/function.ts:{line}:{col} \r\n" in step["error"]["message"]  # raw text kept
    assert doc["summary"]["errors"] == 1


def test_build_error_without_column_and_line_one_error(project, server, run):
    src = ACTION.replace("import { z } from 'zod';", "import { z } from 'zod';\nimport fs from 'node:fs';")
    write(project / ACTION_PATH, src)
    r = run(ACTION_PATH, "--compile", "--force")  # the lint itself already flags the import (NL601): force past it
    assert r.exit_code == 10
    assert f"{ACTION_PATH}:3:1: NL910 error Remote compile: Import of package 'node:fs' is not allowed." in r.stdout


def test_action_dryrun_polls_and_prints_the_result(project, server, run):
    r = run(ACTION_PATH, "--dryrun", "--connection-id", "conn-1", "--input", '{"id": "42"}')
    assert r.exit_code == 0, r.stderr
    paths = server.paths()
    assert paths[:2] == ["POST /functions/compile", "POST /functions/dryruns"]
    polls = [p for p in paths[2:]]
    assert len(polls) == server.poll_rounds + 1 and all(p.startswith("GET /functions/dryruns/") for p in polls)
    body = server.bodies("POST", "/functions/dryruns")[0]
    assert body == {"integration_id": "demo-crm", "function_type": "action", "code": ACTION,
                    "connection_id": "conn-1", "input": {"id": "42"}}  # no function_name on the current API
    assert "Remote dryrun passed" in r.stdout
    result_json = r.stdout.split("Result:\n", 1)[1]
    assert json.loads(result_json) == {"echo": {"id": "42"}, "ok": True}
    assert "\r" not in r.stderr and "running" not in r.stderr  # no progress indicator when stderr is not a terminal


def test_action_dryrun_without_input_sends_empty_object(project, server, run):
    r = run(ACTION_PATH, "--dryrun", "--connection-id", "conn-1", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert server.bodies("POST", "/functions/dryruns")[0]["input"] == {}
    steps = r.json()["remote"]["steps"]
    assert [s["step"] for s in steps] == ["compile", "dryrun"]
    assert steps[1]["result"] == {"echo": {}, "ok": True}
    assert set(steps[1]) >= {"step", "status", "http_status", "duration_ms", "result"}
    assert r.json()["remote"]["api"] == "current"


def test_sync_dryrun_sends_fields_from_files_and_reports_counts(project, server, run):
    write(project / "meta.json", '{"workspace": "acme", "limits": {"max": 10}}')
    write(project / "cp.json", '{"cursor": "abc", "page": 2, "done": false}')
    r = run(SYNC_PATH, "--dryrun", "--connection-id", "conn-1", "--metadata", "@meta.json", "--checkpoint",
            "@cp.json", "--last-sync-date", "2026-01-31T10:00:00Z")
    assert r.exit_code == 0, r.stderr
    body = server.bodies("POST", "/functions/dryruns")[0]
    assert body == {"integration_id": "demo-crm", "function_type": "sync", "code": SYNC, "connection_id": "conn-1",
                    "metadata": {"workspace": "acme", "limits": {"max": 10}},
                    "checkpoint": {"cursor": "abc", "page": 2, "done": False},
                    "last_sync_date": "2026-01-31T10:00:00Z"}
    assert "Remote dryrun passed" in r.stdout and ": 2 added, 0 updated, 0 deleted." in r.stdout
    j = run(SYNC_PATH, "--dryrun", "--connection-id", "conn-1", "-f", "json")
    assert j.json()["remote"]["steps"][1]["result"] == {"added": 2, "updated": 0, "deleted": 0}


def test_failed_dryrun_is_nl911_and_exits_12(project, server, run):
    src = ACTION.replace("return { id: String(res.data.id) };",
                         "if (!res.data.id) {\n            throw new Error('no account');\n        }\n"
                         "        return { id: String(res.data.id) };")
    write(project / ACTION_PATH, src)
    r = run(ACTION_PATH, "--dryrun", "--connection-id", "conn-1")
    assert r.exit_code == 12, (r.stdout, r.stderr)
    export_line = next(i for i, t in enumerate(src.splitlines(), 1) if t.startswith("export default"))
    assert f"{ACTION_PATH}:{export_line}:1: NL911 error Remote dryrun failed (dryrun_error):" in r.stdout
    assert '"message":"no account"' in r.stdout
    j = run(ACTION_PATH, "--dryrun", "--connection-id", "conn-1", "-f", "json")
    assert j.exit_code == 12
    doc = j.json()
    assert [f["code"] for f in doc["findings"] if f["severity"] != "info"] == ["NL911"]
    assert doc["remote"]["steps"][1]["status"] == "failed"
    assert doc["remote"]["steps"][1]["error"]["code"] == "dryrun_error"


def test_deploy_with_connection_dryruns_first_then_deploys(project, server, run):
    r = run(SYNC_PATH, "--deploy", "--connection-id", "conn-1")
    assert r.exit_code == 0, r.stderr
    posts = [p for p in server.paths() if p.startswith("POST")]
    assert posts == ["POST /functions/compile", "POST /functions/dryruns", "POST /functions/deployments"]
    assert server.bodies("POST", "/functions/deployments")[0] == {
        "type": "function", "integration_id": "demo-crm", "function_name": "contacts", "function_type": "sync",
        "code": SYNC}
    assert any(p.startswith("GET /functions/deployments/") for p in server.paths())
    assert "Remote deploy passed" in r.stdout and "deployed contacts@v1." in r.stdout


def test_deploy_without_connection_skips_the_dryrun(project, server, run):
    r = run(SYNC_PATH, "--deploy", "--integration-id", "demo-crm", "--function-name", "contacts-v2")
    assert r.exit_code == 0, r.stderr
    assert [p for p in server.paths() if p.startswith("POST")] == ["POST /functions/compile", "POST /functions/deployments"]
    assert server.bodies("POST", "/functions/deployments")[0]["function_name"] == "contacts-v2"


def test_deploy_refused_by_overwrite_protection_exits_11(project, server, run):
    server.protected.add(("demo-crm", "contacts"))
    r = run(SYNC_PATH, "--deploy")
    assert r.exit_code == 11, (r.stdout, r.stderr)
    assert "remote deploy failed (invalid_request): Cannot overwrite existing function 'contacts'" in r.stderr


def test_compile_error_during_deploy_exits_10_with_nl910(project, server, run):
    bad = SYNC.replace("retries: 3", "retries: '3'")
    write(project / SYNC_PATH, bad)
    r = run(SYNC_PATH, "--deploy", "-f", "json")
    assert r.exit_code == 10
    assert [s["step"] for s in r.json()["remote"]["steps"]] == ["compile"]  # the deploy never started
    assert [f["code"] for f in r.json()["findings"]] == ["NL910"]
    assert server.paths() == ["POST /functions/compile"]


def test_dryrun_from_stdin_uses_the_stdin_filename(project, server):
    from click.testing import CliRunner

    from nango_lint.cli import main_command
    from tests.remote.conftest import base_env

    result = CliRunner().invoke(main_command, ["-", "--stdin-filename", "demo-crm/actions/get-account.ts", "--dryrun",
                                               "--connection-id", "conn-1"], input=ACTION, env=base_env(server))
    assert result.exit_code == 0, result.stderr
    body = server.bodies("POST", "/functions/dryruns")[0]
    assert body["integration_id"] == "demo-crm" and body["function_type"] == "action" and body["code"] == ACTION


def test_a_job_that_never_finishes_is_given_up_within_the_time_limit(project, server, run):
    import time

    server.poll_rounds = 10**6
    started = time.monotonic()
    r = run(SYNC_PATH, "--dryrun", "--connection-id", "conn-1", "--timeout", "0.5", "-f", "json")
    assert time.monotonic() - started < 5
    assert r.exit_code == 12
    step = r.json()["remote"]["steps"][1]
    assert step["status"] == "failed" and step["error"]["code"] == "client_timeout"
    assert "did not finish within 0.5 s" in step["error"]["message"]


def test_deploy_that_deployed_nothing_is_a_failure(project, server, run):
    server.deploy_unchanged = True
    r = run(SYNC_PATH, "--deploy", "-f", "json")
    assert r.exit_code == 11
    step = r.json()["remote"]["steps"][-1]
    assert step["status"] == "failed" and step["result"]["deployed"] is False
    assert "remote deploy failed (not_deployed)" in r.stderr
