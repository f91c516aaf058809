"""Auth, scopes, lookups, validation, rate limits, unavailability, timeouts, and the lint gate."""

from __future__ import annotations

import time

from tests.remote.conftest import KEY, SYNC, write
from tests.remote.fake_nango import Account

SYNC_PATH = "demo-crm/syncs/contacts.ts"
ACTION_PATH = "demo-crm/actions/get-account.ts"


def one_error_line(r) -> str:
    lines = [ln for ln in r.stderr.strip().splitlines() if not ln.startswith("nango-lint: note:")]
    assert len(lines) == 1, r.stderr
    return lines[0]


def test_non_uuid_key_is_401_one_line_exit_2(project, server, run):
    r = run(SYNC_PATH, "--compile", NANGO_SECRET_KEY="not-a-uuid-key")
    assert r.exit_code == 2
    line = one_error_line(r)
    assert line.startswith("nango-lint: error: remote compile: HTTP 401 from " + server.host)
    assert "invalid_secret_key_format" in line and "check NANGO_SECRET_KEY" in line
    assert "not-a-uuid-key" not in r.stderr + r.stdout


def test_unknown_key_is_401(project, server, run):
    r = run(SYNC_PATH, "--compile", "-f", "json", NANGO_SECRET_KEY="11111111-2222-4333-8444-555555555555")
    assert r.exit_code == 2 and "HTTP 401" in r.stderr and "unknown_account" in r.stderr
    remote = r.json()["remote"]
    assert remote["api"] == "current"  # a JSON error proves the server has the current API
    assert remote["steps"] == [{"step": "compile", "status": "error", "http_status": 401, "duration_ms": 0,
                                "error": {"message": remote["steps"][0]["error"]["message"]}}]
    assert "unknown_account" in remote["steps"][0]["error"]["message"]


def test_missing_scope_is_403(project, server, run):
    server.keys[KEY] = Account(scopes=("environment:functions:*",))  # covers compile and dryrun, not deploy
    r = run(SYNC_PATH, "--deploy")
    assert r.exit_code == 2
    line = one_error_line(r)
    assert f"remote deploy: HTTP 403 from {server.host}: forbidden: Insufficient scope. Required: environment:deploy" in line
    assert [p for p in server.paths()] == ["POST /functions/compile", "POST /functions/deployments"]


def test_self_hosted_env_key_cannot_dryrun(project, server, run):
    server.keys[KEY] = Account(customer=False)
    r = run(SYNC_PATH, "--dryrun", "--connection-id", "conn-1", "-f", "json")
    assert r.exit_code == 2
    assert "can only be started from a customer API key" in r.stderr
    assert r.json()["remote"]["api"] == "current"
    steps = r.json()["remote"]["steps"]
    assert steps[0]["status"] == "success"
    assert steps[1]["step"] == "dryrun" and steps[1]["status"] == "error" and steps[1]["http_status"] == 403


def test_unknown_integration_and_connection_are_404(project, server, run):
    r = run(SYNC_PATH, "--dryrun", "--connection-id", "conn-1", "--integration-id", "nope")
    assert r.exit_code == 2
    assert "HTTP 404" in r.stderr and "integration_not_found" in r.stderr and "check --integration-id" in r.stderr
    r = run(SYNC_PATH, "--dryrun", "--connection-id", "conn-2")
    assert r.exit_code == 2
    assert "connection_not_found: Connection 'conn-2' was not found for integration 'demo-crm'" in r.stderr


def test_invalid_body_lists_each_field_path(project, server, run):
    r = run(SYNC_PATH, "--dryrun", "--connection-id", "conn#1")  # '#' is not allowed in a connection id
    assert r.exit_code == 2
    line = one_error_line(r)
    assert "HTTP 400" in line and "invalid_body" in line and "connection_id: Invalid string" in line


def test_429_waits_for_retry_after_then_succeeds(project, server, run):
    server.rate_limited["/functions/compile"] = 1
    server.retry_after = "1"
    started = time.monotonic()
    r = run(SYNC_PATH, "--compile")
    assert r.exit_code == 0, r.stderr
    assert time.monotonic() - started >= 1.0
    assert server.paths() == ["POST /functions/compile", "POST /functions/compile"]


def test_429_longer_than_the_time_limit_is_reported(project, server, run):
    server.rate_limited["/functions/compile"] = 10
    server.retry_after = "30"
    r = run(SYNC_PATH, "--compile", "--timeout", "2")
    assert r.exit_code == 2
    assert f"HTTP 429 from {server.host}: too_many_request" in one_error_line(r)
    assert len(server.requests) == 1


def test_503_backs_off_and_retries(project, server, run):
    server.unavailable["/functions/dryruns"] = 2
    r = run(SYNC_PATH, "--dryrun", "--connection-id", "conn-1")
    assert r.exit_code == 0, r.stderr
    assert server.paths().count("POST /functions/dryruns") == 3


def test_503_that_persists_gives_up(project, server, run):
    server.unavailable["/functions/compile"] = 100
    r = run(SYNC_PATH, "--compile")
    assert r.exit_code == 2
    assert "HTTP 503" in r.stderr and "execution_environment_unavailable" in r.stderr
    assert len(server.requests) == 5  # the first try and 4 retries


def test_a_hanging_endpoint_times_out_and_the_post_is_not_retried(project, server, run):
    server.hang.add("/functions/compile")
    started = time.monotonic()
    r = run(SYNC_PATH, "--compile", "--timeout", "1")
    assert time.monotonic() - started < 10
    assert r.exit_code == 2
    line = one_error_line(r)
    assert f"no response from {server.host} within 1 s (POST /functions/compile" in line
    assert server.paths() == ["POST /functions/compile"]


def test_server_that_is_not_listening(project, server, run):
    url = server.url
    server.stop()
    r = run(SYNC_PATH, "--compile", NANGO_SERVER_URL=url)
    assert r.exit_code == 2
    assert f"cannot connect to {server.host}" in one_error_line(r)


def test_lint_errors_stop_the_remote_pass_unless_forced(project, server, run):
    bad = SYNC.replace("autoStart: true,", "autoStart: true,\n    syncType: 'incremental',")
    write(project / SYNC_PATH, bad)
    r = run(SYNC_PATH, "--compile")
    assert r.exit_code == 1
    assert "NL401" in r.stdout
    assert "remote pass skipped: the lint found 1 error" in r.stderr and "--force" in r.stderr
    assert server.requests == []
    r = run(SYNC_PATH, "--compile", "--force")
    assert r.exit_code == 1  # the compile passed; the lint's own exit code stands
    assert server.paths() == ["POST /functions/compile"]
    assert "Remote compile passed" in r.stdout


def test_lint_warnings_do_not_stop_the_remote_pass(project, server, run):
    write(project / "demo-crm/syncs/Contacts_List.ts", SYNC)  # NL007 warning: not kebab-case
    r = run("demo-crm/syncs/Contacts_List.ts", "--compile")
    assert "NL007" in r.stdout and r.exit_code == 0
    assert server.paths() == ["POST /functions/compile"]


def test_a_foreign_503_on_a_post_is_not_retried(project, server, run):
    from tests.remote.fake_nango import HttpReply

    original = server.handle

    def proxy_503(rec):
        if rec.method == "POST" and rec.path == "/functions/dryruns":
            raise HttpReply(503, "<html>Service Unavailable</html>", html=True)
        return original(rec)

    server.handle = proxy_503
    r = run(SYNC_PATH, "--dryrun", "--connection-id", "conn-1")
    assert r.exit_code == 2
    assert f"HTTP 503 from {server.host}" in one_error_line(r)
    assert server.paths().count("POST /functions/dryruns") == 1
