"""The legacy /remote-function/* API, and choosing the generation (--api auto|current|legacy)."""

from __future__ import annotations

from tests.remote.conftest import ACTION, SYNC, write

SYNC_PATH = "demo-crm/syncs/contacts.ts"
ACTION_PATH = "demo-crm/actions/get-account.ts"
LEGACY_BASE = {"integration_id": "demo-crm", "function_name": "contacts", "function_type": "sync", "code": SYNC}


def test_auto_falls_back_to_legacy_on_an_html_404(project, server, run):
    server.generation = "legacy"
    r = run(SYNC_PATH, "--compile", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert server.paths() == ["POST /functions/compile", "POST /remote-function/compile"]
    assert server.bodies("POST", "/remote-function/compile") == [LEGACY_BASE]
    assert "has no /functions API (HTML 404); using the legacy /remote-function API" in r.stderr
    assert r.json()["remote"]["api"] == "legacy"


def test_auto_prefers_current_when_both_exist(project, server, run):
    server.generation = "both"
    r = run(SYNC_PATH, "--compile", "-f", "json")
    assert r.exit_code == 0
    assert server.paths() == ["POST /functions/compile"]
    assert r.json()["remote"]["api"] == "current"


def test_forced_current_on_a_legacy_server_is_one_line_exit_2(project, server, run):
    server.generation = "legacy"
    r = run(SYNC_PATH, "--compile", "--api", "current")
    assert r.exit_code == 2
    [line] = r.stderr.strip().splitlines()
    assert f"HTTP 404 from {server.host}" in line and "try --api legacy" in line
    assert server.paths() == ["POST /functions/compile"]


def test_forced_legacy_never_touches_the_current_api(project, server, run):
    server.generation = "both"
    r = run(SYNC_PATH, "--compile", "--api", "legacy")
    assert r.exit_code == 0, r.stderr
    assert server.paths() == ["POST /remote-function/compile"]
    assert "note:" not in r.stderr  # forced: nothing was detected


def test_legacy_action_dryrun_and_deploy_are_synchronous(project, server, run):
    server.generation = "legacy"
    r = run(ACTION_PATH, "--deploy", "--connection-id", "conn-1", "--input", '{"id": "7"}', "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert server.paths() == ["POST /functions/compile", "POST /remote-function/compile", "POST /remote-function/dryrun",
                              "POST /remote-function/deploy"]
    base = {"integration_id": "demo-crm", "function_name": "get-account", "function_type": "action", "code": ACTION}
    assert server.bodies("POST", "/remote-function/dryrun") == [{**base, "connection_id": "conn-1", "input": {"id": "7"}}]
    assert server.bodies("POST", "/remote-function/deploy") == [base]
    steps = r.json()["remote"]["steps"]
    assert [(s["step"], s["status"], s["http_status"]) for s in steps] == [
        ("compile", "success", 200), ("dryrun", "success", 200), ("deploy", "success", 200)]
    assert steps[1]["result"] == {"echo": {"id": "7"}, "ok": True}
    assert steps[2]["result"]["deployed_functions"] == [{"name": "get-account", "version": "v1"}]


def test_legacy_sync_dryrun_says_it_has_no_counts(project, server, run):
    server.generation = "legacy"
    r = run(SYNC_PATH, "--dryrun", "--connection-id", "conn-1", "--api", "legacy")
    assert r.exit_code == 0, r.stderr
    assert "Remote dryrun passed" in r.stdout and "legacy API returns no records or counts" in r.stdout


def test_legacy_compile_error_maps_back_and_exits_10(project, server, run):
    server.generation = "legacy"
    bad = SYNC.replace("retries: 3", "retries: '3'")
    write(project / SYNC_PATH, bad)
    r = run(SYNC_PATH, "--compile", "--api", "legacy")
    assert r.exit_code == 10
    assert "NL910 error Remote compile: Type 'string' is not assignable" in r.stdout


def test_legacy_dryrun_failure_exits_12(project, server, run):
    server.generation = "legacy"
    write(project / ACTION_PATH, ACTION.replace("return { id", "if (!res.data) { throw new Error('boom'); }\n        return { id"))
    r = run(ACTION_PATH, "--dryrun", "--connection-id", "conn-1", "--api", "legacy")
    assert r.exit_code == 12, (r.stdout, r.stderr)
    assert "NL911 error Remote dryrun failed (dryrun_error)" in r.stdout


def test_legacy_needs_an_integration_id(project, server, run):
    server.generation = "legacy"
    write(project / "contacts.ts", SYNC)
    r = run("contacts.ts", "--compile")
    assert r.exit_code == 2
    assert "legacy API's compile needs integration_id" in r.stderr and "--integration-id" in r.stderr
    r = run("contacts.ts", "--compile", "--integration-id", "demo-crm")
    assert r.exit_code == 0, r.stderr
    assert server.bodies("POST", "/remote-function/compile")[-1]["integration_id"] == "demo-crm"
