"""Network and server faults in the remote pass, each against a real socket on loopback, through the real CLI.

Every case must end in bounded time (the wall time is asserted), with exactly one error line on stderr, the right exit
code, and the key nowhere in the output. ``-s`` prints one ``FAULT <case>: exit <code>: <line>`` per case.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time

import pytest

from tests.remote.conftest import KEY, base_env, cli
from tests.remote.raw_servers import RawServer, answer, never_answer, response, trickle
from tests.remote.test_remote_secrets import _scan

SYNC_PATH = "demo-crm/syncs/contacts.ts"
COMPILED = json.dumps({"bundle_size_bytes": 21, "bundled_js": "module.exports = {};\n",
                       "compiled_at": "2026-11-24T00:00:00Z"}).encode()


def run_fault(name: str, url: str | None, *args: str, limit: float, server=None, **env):
    """Run the CLI against ``url``; return (exit code, the one error line, result) after the common checks."""
    started = time.monotonic()
    r = cli([SYNC_PATH, *args], base_env(server, NANGO_SERVER_URL=url, **env))
    elapsed = time.monotonic() - started
    assert r.exception is None, repr(r.exception)
    _scan(r, KEY)
    lines = [ln for ln in r.stderr.strip().splitlines() if not ln.startswith("nango-lint: note:")]
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr
    print(f"\nFAULT {name}: exit {r.exit_code} in {elapsed:.1f} s: {lines[0]}")
    assert elapsed < limit, f"{name} took {elapsed:.1f} s"
    r.elapsed = elapsed
    return r.exit_code, lines[0], r


@pytest.fixture
def raw():
    servers = []

    def start(behaviour, tls=None) -> RawServer:
        s = RawServer(behaviour, tls)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.stop()


# -- no HTTP answer at all -------------------------------------------------------------------------------------------


def test_connection_refused(project):
    with socket.socket() as s:  # a port that was just free and has no listener
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, line, _ = run_fault("connection refused", f"http://127.0.0.1:{port}", "--compile", limit=5)
    assert code == 2
    assert line == f"nango-lint: error: remote compile: cannot connect to 127.0.0.1:{port} (connection refused; no HTTP status)"


def test_dns_failure(project):
    code, line, _ = run_fault("DNS failure", "https://nango.invalid", "--compile", limit=10)
    assert code == 2
    assert line.startswith("nango-lint: error: remote compile: cannot resolve nango.invalid (")
    assert line.endswith("; no HTTP status)")


def test_https_to_a_plain_http_port(project, server):
    code, line, _ = run_fault("TLS to plain HTTP", server.url.replace("http://", "https://"), "--compile", limit=5)
    assert code == 2
    assert line == (f"nango-lint: error: remote compile: TLS handshake with {server.host} failed (wrong version number: "
                    f"the server does not speak TLS on this port; check the scheme of https://{server.host}; no HTTP status)")
    assert server.requests == []  # nothing, not even the headers, went out in clear


@pytest.fixture
def self_signed(tmp_path):
    try:
        from cryptography import x509  # noqa: F401
    except ImportError:
        if shutil.which("openssl") is None:
            pytest.skip("neither the cryptography package nor the openssl CLI is available to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return str(cert), str(key)


def test_self_signed_certificate(project, raw, self_signed):
    srv = raw(answer(response(200, COMPILED)), tls=self_signed)
    code, line, _ = run_fault("TLS self-signed certificate", srv.url("https"), "--compile", limit=5)
    assert code == 2
    assert line == (f"nango-lint: error: remote compile: TLS handshake with {srv.host} failed "
                    "(certificate verify failed: self-signed certificate; no HTTP status)")
    assert srv.accepted == 1  # a certificate error is not retried


def test_server_that_accepts_and_never_answers(project, raw):
    srv = raw(never_answer)
    code, line, _ = run_fault("accepts, never answers", srv.url(), "--compile", "--timeout", "1", limit=4)
    assert code == 2
    assert line == (f"nango-lint: error: remote compile: no response from {srv.host} within 1 s "
                    "(POST /functions/compile; no HTTP status)")
    assert srv.accepted == 1  # a POST that may have arrived is never sent twice


def test_server_that_answers_byte_by_byte(project, raw):
    # every byte comes within the read timeout, the whole answer would take 0.15 s * ~250 bytes
    srv = raw(trickle(response(200, COMPILED), 0.15))
    code, line, _ = run_fault("answers byte by byte", srv.url(), "--compile", "--timeout", "1.5", limit=4)
    assert code == 2
    assert line == (f"nango-lint: error: remote compile: the response from {srv.host} did not complete within 1.5 s "
                    "(POST /functions/compile; it arrived too slowly)")
    assert srv.accepted == 1


# -- bodies that are not what they claim -----------------------------------------------------------------------------

BODIES = [
    # name, status, body, content type, announced length, exit code, expected text in the line
    ("200 truncated JSON", 200, COMPILED[:30], "application/json", None, 2,
     "HTTP 200 from {host}: malformed JSON response: " + COMPILED[:30].decode()),
    ("200 body cut short by the connection", 200, COMPILED[:30], "application/json", len(COMPILED), 2,
     "the connection to {host} closed before the response was complete (POST /functions/compile; RemoteProtocolError: "
     "peer closed connection without sending complete message body (received 30 bytes, expected 104))"),
    ("200 non-JSON", 200, b"<html><body>Welcome to nginx!</body></html>", "text/html", None, 2,
     "HTTP 200 from {host}: non-JSON response: <html><body>Welcome to nginx!</body></html>"),
    ("400 truncated JSON", 400, b'{"error":{"code":"compilation_err', "application/json", None, 2,
     'HTTP 400 from {host}: malformed JSON response: {"error":{"code":"compilation_err'),
    ("500 truncated JSON", 500, b'{"error":{"code":"server_er', "application/json", None, 2,
     'HTTP 500 from {host}: malformed JSON response: {"error":{"code":"server_er'),
    ("500 non-JSON", 500, b"Internal Server Error", "text/plain", None, 2,
     "HTTP 500 from {host}: non-JSON response: Internal Server Error"),
    ("500 JSON error", 500, b'{"error":{"code":"server_error","message":"An unexpected error occurred"}}',
     "application/json", None, 2, "HTTP 500 from {host}: server_error: An unexpected error occurred"),
    ("502 HTML", 502, b"<html><head><title>502 Bad Gateway</title></head></html>", "text/html", None, 2,
     "HTTP 502 from {host}: non-JSON response: <html><head><title>502 Bad Gateway</title></head></html>"),
    ("503 HTML (a proxy; the POST is not retried)", 503, b"<html>Service Unavailable</html>", "text/html", None, 2,
     "HTTP 503 from {host}: non-JSON response: <html>Service Unavailable</html>"),
    ("504 HTML", 504, b"<html>504 Gateway Time-out</html>", "text/html", None, 2,
     "HTTP 504 from {host}: non-JSON response: <html>504 Gateway Time-out</html>"),
    ("504 JSON timeout (the server's compile timed out)", 504,
     b'{"error":{"code":"timeout","message":"Compilation timed out"}}', "application/json", None, 10,
     "remote compile failed (timeout): Compilation timed out"),
]


@pytest.mark.parametrize("case", BODIES, ids=[b[0] for b in BODIES])
def test_bad_bodies_and_error_statuses(project, raw, case):
    name, status, body, ctype, length, exit_code, expected = case
    srv = raw(answer(response(status, body, ctype, length)))
    code, line, _ = run_fault(name, srv.url(), "--compile", "--api", "current", limit=4)
    assert code == exit_code
    assert expected.replace("{host}", srv.host) in line
    assert srv.accepted == 1  # a POST is never retried on these


def test_503_unavailable_is_retried_then_reported(project, raw):
    body = b'{"error":{"code":"execution_environment_unavailable","message":"The function execution environment is temporarily unavailable."}}'
    srv = raw(answer(response(503, body)))
    code, line, _ = run_fault("503 execution_environment_unavailable", srv.url(), "--compile", "--api", "current",
                              limit=4)
    assert code == 2
    assert f"HTTP 503 from {srv.host}: execution_environment_unavailable" in line
    assert "retry shortly" in line
    assert srv.accepted == 5  # the first try and 4 back-offs


# -- rate limits -----------------------------------------------------------------------------------------------------

STORM = b'{"error":{"code":"too_many_request"}}'


def test_429_storm_respects_retry_after_and_stops_at_the_time_limit(project, raw):
    srv = raw(answer(response(429, STORM, headers={"Retry-After": "1"})))
    code, line, r = run_fault("429 storm, Retry-After: 1", srv.url(), "--compile", "--api", "current",
                              "--timeout", "2.5", limit=3.5)
    assert code == 2
    assert f"HTTP 429 from {srv.host}: too_many_request" in line and "rate limited" in line
    # tries at 0, 1 and 2 s (Retry-After respected); a third wait would end past the 2.5 s limit, so none is started
    assert srv.accepted == 3 and 2.0 <= r.elapsed < 2.5


def test_429_storm_with_retry_after_zero_gives_up_after_the_retries(project, raw):
    srv = raw(answer(response(429, STORM, headers={"Retry-After": "0"})))
    code, line, _ = run_fault("429 storm, Retry-After: 0", srv.url(), "--compile", "--api", "current", limit=4)
    assert code == 2 and "HTTP 429" in line
    assert srv.accepted == 6  # the first try and 5 retries


def test_429_retry_after_past_the_deadline_is_not_waited_for(project, raw):
    srv = raw(answer(response(429, STORM, headers={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"})))
    code, line, _ = run_fault("429 with Retry-After far in the future", srv.url(), "--compile", "--api", "current",
                              limit=3)
    assert code == 2 and "HTTP 429" in line
    assert srv.accepted == 1


# -- jobs that never finish ------------------------------------------------------------------------------------------


def test_dryrun_that_never_leaves_running(project, server):
    server.poll_rounds = 10**9
    code, line, r = run_fault("dryrun stays running", server.url, "--dryrun", "--connection-id", "conn-1",
                              "--timeout", "1.5", limit=5, server=server)
    assert code == 12
    assert line.startswith("nango-lint: remote dryrun failed (client_timeout): the dryrun ")
    assert line.endswith("did not finish within 1.5 s (it may still be running); reported as NL911")
    assert "NL911" in r.stdout
    assert sum(p.startswith("GET /functions/dryruns/") for p in server.paths()) > 3  # it did poll


def test_deployment_that_never_leaves_running(project, server):
    server.poll_rounds = 10**9
    code, line, _ = run_fault("deployment stays running", server.url, "--deploy", "--timeout", "1.5", limit=5,
                              server=server)
    assert code == 11
    assert line.startswith("nango-lint: remote deploy failed (client_timeout): the deploy ")
    assert "did not finish within 1.5 s (it may still be running)" in line


def test_poll_that_hangs_is_bounded_by_the_step_deadline(project, server):
    server.poll_rounds = 10**9
    original = server.handle

    def hang_gets(rec):
        if rec.method == "GET":
            server.release.wait(30)
        return original(rec)

    server.handle = hang_gets
    code, line, _ = run_fault("dryrun poll never answers", server.url, "--dryrun", "--connection-id", "conn-1",
                              "--timeout", "1.5", limit=5, server=server)
    assert code == 2  # no answer from the server is a network fault, not the function's
    assert line.startswith(f"nango-lint: error: remote dryrun: no response from {server.host} within ")
    assert "(GET /functions/dryruns/" in line


def test_poll_that_runs_into_the_deadline_is_the_jobs_timeout(project, server):
    # polls answer "running" for 0.8 s, then hang: the hanging poll starts with under a second left, so running
    # out of time there says the job did not finish, not that the server is down
    server.poll_rounds = 10**9
    original = server.handle
    started = time.monotonic()

    def slow_late_gets(rec):
        if rec.method == "GET" and time.monotonic() - started > 0.8:
            server.release.wait(30)
        return original(rec)

    server.handle = slow_late_gets
    code, line, _ = run_fault("dryrun poll hangs near the time limit", server.url, "--dryrun", "--connection-id",
                              "conn-1", "--timeout", "1.5", limit=5, server=server)
    assert code == 12
    assert "remote dryrun failed (client_timeout)" in line and "did not finish within 1.5 s" in line
