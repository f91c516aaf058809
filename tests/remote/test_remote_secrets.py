"""The secret key never appears in any output: stdout, stderr, the JSON report, exceptions, across outcomes."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.remote.conftest import KEY, SYNC, base_env, cli, write
from tests.remote.fake_nango import Account

SYNC_PATH = "demo-crm/syncs/contacts.ts"
ACTION_PATH = "demo-crm/actions/get-account.ts"
BAD_KEY = "nango-secret-but-not-a-uuid"


def _scan(r, secret: str) -> None:
    for name, text in (("stdout", r.stdout), ("stderr", r.stderr), ("exception", repr(r.exception))):
        assert secret not in text, f"the key leaked into {name}"


def test_key_never_printed_in_any_outcome(project, server):
    cases = []

    def case(args, secret=KEY, setup=None, **env):
        if setup:
            setup()
        for fmt in ("concise", "json"):
            r = cli(args + ["-f", fmt], base_env(server, NANGO_SECRET_KEY=secret, **env))
            if fmt == "json" and r.stdout.strip():
                json.loads(r.stdout)  # the report is still valid JSON
            _scan(r, secret)
            cases.append(r.exit_code)

    case([SYNC_PATH, "--compile"])  # success
    case([ACTION_PATH, "--deploy", "--connection-id", "conn-1"])  # success, all steps
    case([SYNC_PATH, "--compile"], secret=BAD_KEY)  # 401
    case([SYNC_PATH, "--dryrun", "--connection-id", "conn-9"])  # 404
    case([SYNC_PATH, "--dryrun", "--connection-id", "conn#1"])  # 400 invalid_body
    server.echo_key_in_errors = True  # a server that echoes the key back in its error messages
    case([SYNC_PATH, "--dryrun", "--connection-id", "conn-9"])
    case([SYNC_PATH, "--compile"], setup=lambda: server.keys.__setitem__(KEY, Account(scopes=())))  # 403
    server.keys[KEY] = Account()
    write(project / "bad.ts", SYNC.replace("retries: 3", "retries: '3'") + f"// {KEY}\n")  # the key in the code
    case(["bad.ts", "--compile", "--integration-id", "demo-crm"])  # 400 compilation_error echoing the code
    server.unavailable["/functions/compile"] = 100
    case([SYNC_PATH, "--compile"])  # 503
    server.unavailable.clear()
    case([SYNC_PATH, "--compile"], NANGO_SERVER_URL="http://127.0.0.1:9")  # connection refused
    case([SYNC_PATH, "--compile"], NANGO_SERVER_URL=f"http://{KEY}.example.com")  # refused: insecure
    assert set(cases) >= {0, 2, 10}
    assert any(r.headers.get("authorization") == f"Bearer {KEY}" for r in server.requests)  # sent, to the server only


def test_key_redacted_from_compile_diagnostics_and_report(project, server):
    write(project / "bad.ts", SYNC.replace("retries: 3", f"retries: '{KEY}'"))
    server.echo_key_in_errors = True
    r = cli(["bad.ts", "--compile", "-f", "json"], base_env(server))
    assert r.exit_code == 10
    _scan(r, KEY)
    assert "***" in json.dumps(r.json()["remote"])


def test_key_not_in_subprocess_output_or_traceback(project, server):
    env = {k: v for k, v in base_env(server).items() if v is not None}
    import os

    full = {k: v for k, v in os.environ.items() if not k.startswith("NANGO_")} | env
    for args in ([SYNC_PATH, "--compile"], [SYNC_PATH, "--compile", "--api", "legacy"]):
        p = subprocess.run([sys.executable, "-m", "nango_lint", *args], capture_output=True, text=True, env=full,
                           cwd=project, timeout=60)
        assert KEY not in p.stdout + p.stderr
        assert "Traceback" not in p.stderr
    assert p.returncode == 2 and "HTTP 404" in p.stderr  # the current-only server has no legacy API


def test_secret_object_never_shows_its_value():
    from nango_lint.remote.settings import Secret

    s = Secret(KEY)
    assert KEY not in repr(s) and KEY not in str(s) and KEY not in f"{s}" and KEY not in repr({"k": s})
    assert s.reveal() == KEY
