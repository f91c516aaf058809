"""HTTP for the remote pass: httpx with explicit timeouts, 429/503 handling, and one-line errors.

Retries: 429 waits for ``Retry-After`` (the rate limiter answers before any job starts); 503 (the sandbox is
unavailable, nothing started) backs off exponentially; a connection that was never established is retried. A POST that
may have reached the server (read timeout, 5xx other than 503) is never retried: there is no idempotency key, so a
retry could start a second dryrun or deployment. GETs (polls) are idempotent and retried on timeouts. A TLS failure or a
name that does not resolve is not retried (it will not change in a few seconds); a ``Retry-After`` longer than
``max_retry_after`` or past the step's deadline is not waited for.

httpx's timeouts are per socket operation, so a server that sends one byte just inside the read timeout could hold a
request forever. Every request therefore also has a total deadline, enforced under httpx by a network backend that
clamps each connect, TLS handshake, read and write to the time left (``_deadline_backend``).
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Callable

from nango_lint import __version__
from nango_lint.remote.errors import RemoteHttpError, RemoteNetworkError, one_line
from nango_lint.remote.settings import RemoteSettings


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        return default
    return value if value >= 0 else default


@dataclass
class Tuning:
    """Time limits and pacing. ``NANGO_LINT_POLL_INTERVAL`` and ``NANGO_LINT_RETRY_BACKOFF`` (seconds) tune the
    pacing (the tests set them low); ``--timeout`` caps every step."""

    poll_interval: float = 3.0
    backoff: float = 2.0  # first 503 wait; doubles each time
    max_retry_after: float = 60.0
    retries_429: int = 5
    retries_503: int = 4
    retries_connect: int = 2
    connect_timeout: float = 10.0
    request_timeout: float = 60.0  # creating a job, one poll
    compile_timeout: float = 240.0  # the server's compile runs up to 3.5 min
    dryrun_timeout: float = 600.0  # async jobs time out server-side after 8.5 min
    deploy_timeout: float = 420.0  # 5.5 min server-side
    legacy_dryrun_timeout: float = 570.0  # legacy dryruns held the request open up to 8.5 min
    legacy_deploy_timeout: float = 360.0

    @classmethod
    def from_env(cls, step_timeout: float | None = None) -> "Tuning":
        t = cls(
            poll_interval=_env_float("NANGO_LINT_POLL_INTERVAL", cls.poll_interval),
            backoff=_env_float("NANGO_LINT_RETRY_BACKOFF", cls.backoff),
        )
        if step_timeout is not None:
            for name in ("request_timeout", "compile_timeout", "dryrun_timeout", "deploy_timeout",
                         "legacy_dryrun_timeout", "legacy_deploy_timeout", "connect_timeout"):
                setattr(t, name, min(getattr(t, name), step_timeout))
        return t


@dataclass
class Response:
    status: int
    body: Any  # parsed JSON, or None
    text: str
    is_json: bool
    headers: dict

    @property
    def error(self) -> dict:
        """The ``error`` object of a Nango error body (``{}`` when there is none)."""
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return self.body["error"]
        return {}


HINTS = {
    401: "check {key_variable}: it must be an environment secret key from the Nango dashboard",
    403: "the key lacks the scope for this step, or is not a dashboard-issued key (self-hosted NANGO_SECRET_KEY_<ENV> "
         "keys can compile but not dryrun or deploy)",
    415: "the request was not sent as application/json",
    429: "rate limited: retry later",
    503: "the server's function execution environment is unavailable: retry shortly",
}
CODE_HINTS = {
    "integration_not_found": "check --integration-id (default: the <integration> folder of the file)",
    "connection_not_found": "check --connection-id and --integration-id",
    "invalid_body": "the server rejected the request body",
}


def describe_http_error(step: str, host: str, r: Response, key_variable: str = "NANGO_SECRET_KEY") -> str:
    """``remote compile: HTTP 401 from host: code: message (hint)`` on one line."""
    err = r.error
    code = err.get("code")
    parts = [f"remote {step}: HTTP {r.status} from {host}"]
    if code:
        parts.append(str(code))
    message = err.get("message")
    if message:
        parts.append(one_line(message, 300))
    fields = err.get("errors")
    if isinstance(fields, list) and fields:
        items = []
        for f in fields[:8]:
            if isinstance(f, dict):
                path = ".".join(str(p) for p in f.get("path") or []) or "(body)"
                items.append(f"{path}: {one_line(f.get('message', ''), 120)}")
        if items:
            parts.append("; ".join(items))
    if not err and r.text:
        if r.is_json:
            kind = "response"
        elif "json" in r.headers.get("content-type", "").lower():
            kind = "malformed JSON response"  # says JSON, does not parse: cut short or broken
        else:
            kind = "non-JSON response"
        parts.append(f"{kind}: {one_line(r.text, 120)}")
    text = ": ".join(parts)
    hint = CODE_HINTS.get(code or "") or HINTS.get(r.status)
    if hint:
        text += f" ({hint.format(key_variable=key_variable)})"
    return text


def _retry_after(value: str | None, default: float) -> float:
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return default


class Transport:
    def __init__(self, settings: RemoteSettings, tuning: Tuning, sleep: Callable[[float], None] = time.sleep) -> None:
        import httpx  # lazily: a plain lint never imports httpx

        self._httpx = httpx
        self.settings = settings
        self.host = settings.host
        self.tuning = tuning
        self.sleep = sleep
        self.deadline = _Deadline()
        self.client = httpx.Client(
            headers={
                "Authorization": f"Bearer {settings.key.reveal()}",
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": f"nango-lint/{__version__}",
            },
            follow_redirects=False,  # a redirect could carry the Authorization header elsewhere
            trust_env=True,
        )
        _install_deadline(self.client, self.deadline)

    def close(self) -> None:
        self.client.close()

    def request(self, method: str, path: str, body: Any = None, *, timeout: float, deadline: float, step: str) -> Response:
        httpx = self._httpx
        url = self.settings.base_url + path
        content = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        tries = {"429": 0, "503": 0, "connect": 0, "read": 0}
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RemoteNetworkError(f"remote {step}: no answer from {self.host} in time (no HTTP status)")
            read = max(0.05, min(timeout, remaining))
            limits = httpx.Timeout(connect=min(self.tuning.connect_timeout, read), read=read, write=read, pool=read)
            self.deadline.start(read)
            try:
                raw = self.client.request(method, url, content=content, timeout=limits)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                cause = _connect_failure(exc)
                if cause.retry and tries["connect"] < self.tuning.retries_connect \
                        and deadline - time.monotonic() > self.tuning.backoff:
                    tries["connect"] += 1
                    self.sleep(self.tuning.backoff)
                    continue
                raise RemoteNetworkError(cause.message(step, self.host, self.settings.base_url)) from None
            except httpx.TimeoutException:
                if method == "GET" and tries["read"] < 2 and deadline - time.monotonic() > 1:
                    tries["read"] += 1
                    continue
                if self.deadline.received:
                    raise RemoteNetworkError(
                        f"remote {step}: the response from {self.host} did not complete within {round(read, 1):g} s "
                        f"({method} {path}; it arrived too slowly)") from None
                raise RemoteNetworkError(
                    f"remote {step}: no response from {self.host} within {round(read, 1):g} s ({method} {path}; no HTTP status)"
                ) from None
            except httpx.RemoteProtocolError as exc:
                if method == "GET" and tries["read"] < 2 and deadline - time.monotonic() > 1:
                    tries["read"] += 1
                    continue
                raise RemoteNetworkError(
                    f"remote {step}: the connection to {self.host} closed before the response was complete "
                    f"({method} {path}; {_reason(exc)})") from None
            except httpx.HTTPError as exc:
                raise RemoteNetworkError(f"remote {step}: request to {self.host} failed ({_reason(exc)}; no HTTP status)") from None
            finally:
                self.deadline.stop()
            r = _response(raw)
            if r.status == 429 and tries["429"] < self.tuning.retries_429:
                wait = _retry_after(raw.headers.get("retry-after"), self.tuning.backoff)
                # a wait longer than we would ever wait, or past the deadline, is not started: report the 429 now
                if wait <= self.tuning.max_retry_after and time.monotonic() + wait < deadline:
                    tries["429"] += 1
                    self.sleep(wait)
                    continue
            # a POST is retried only on Nango's own "sandbox unavailable" answer (nothing was started); a GET on any 503
            retry_503 = method == "GET" or r.error.get("code") == "execution_environment_unavailable"
            if r.status == 503 and retry_503 and tries["503"] < self.tuning.retries_503:
                wait = self.tuning.backoff * (2 ** tries["503"])
                if time.monotonic() + wait < deadline:
                    tries["503"] += 1
                    self.sleep(wait)
                    continue
            return r


class _Deadline:
    """The total time limit of the request in flight (``time.monotonic()`` based) and the bytes it has received."""

    def __init__(self) -> None:
        self.at: float | None = None
        self.received = 0

    def start(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.received = 0

    def stop(self) -> None:
        self.at = None

    def clamp(self, timeout: float | None, expired: type[Exception]) -> float | None:
        """``timeout`` cut to the time left; ``expired`` is raised when none is left."""
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise expired("the request's total time limit passed")
        return left if timeout is None else min(timeout, left)


def _deadline_backend(deadline: _Deadline):
    """An httpcore network backend whose every socket operation ends by ``deadline`` (see the module docstring)."""
    import httpcore

    class Stream(httpcore.NetworkStream):
        def __init__(self, inner) -> None:
            self.inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            data = self.inner.read(max_bytes, deadline.clamp(timeout, httpcore.ReadTimeout))
            deadline.received += len(data)
            return data

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self.inner.write(buffer, deadline.clamp(timeout, httpcore.WriteTimeout))

        def close(self) -> None:
            self.inner.close()

        def start_tls(self, ssl_context, server_hostname=None, timeout=None):
            return Stream(self.inner.start_tls(ssl_context, server_hostname, deadline.clamp(timeout, httpcore.ConnectTimeout)))

        def get_extra_info(self, info: str):
            return self.inner.get_extra_info(info)

    class Backend(httpcore.NetworkBackend):
        def __init__(self) -> None:
            self.inner = httpcore.SyncBackend()

        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
            timeout = deadline.clamp(timeout, httpcore.ConnectTimeout)
            return Stream(self.inner.connect_tcp(host, port, timeout, local_address, socket_options))

        def connect_unix_socket(self, path, timeout=None, socket_options=None):
            timeout = deadline.clamp(timeout, httpcore.ConnectTimeout)
            return Stream(self.inner.connect_unix_socket(path, timeout, socket_options))

        def sleep(self, seconds: float) -> None:
            self.inner.sleep(seconds)

    return Backend()


def _install_deadline(client, deadline: _Deadline) -> None:
    """Put the deadline backend under every connection pool of ``client`` (the direct one and any proxy's).

    httpx 0.28 has no public way to pass a network backend to its transport, so this sets the httpcore pool's backend
    (``ConnectionPool._network_backend``, read when a connection opens); tests/remote/test_remote_faults.py fails if a
    new httpx or httpcore moves it.
    """
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        if pool is not None and hasattr(pool, "_network_backend"):
            pool._network_backend = _deadline_backend(deadline)


@dataclass
class _ConnectFailure:
    kind: str  # tls | dns | refused | timeout | other
    detail: str
    retry: bool

    def message(self, step: str, host: str, base_url: str) -> str:
        if self.kind == "tls":
            hint = ""
            if "WRONG_VERSION_NUMBER" in self.detail or "wrong version number" in self.detail:
                hint = f": the server does not speak TLS on this port; check the scheme of {base_url}"
            return f"remote {step}: TLS handshake with {host} failed ({self.detail}{hint}; no HTTP status)"
        if self.kind == "dns":
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
            return f"remote {step}: cannot resolve {name} ({self.detail}; no HTTP status)"
        return f"remote {step}: cannot connect to {host} ({self.detail}; no HTTP status)"


def _connect_failure(exc: Exception) -> _ConnectFailure:
    """What an httpx connect error really was, from its chain of causes (httpx -> httpcore -> ssl/socket)."""
    chain = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 10:
        chain.append(e)
        e = e.__cause__ or e.__context__
    for e in chain:
        if isinstance(e, ssl.SSLCertVerificationError):
            return _ConnectFailure("tls", one_line(f"certificate verify failed: {e.verify_message}", 200), False)
        if isinstance(e, ssl.SSLError):
            text = one_line(str(e.reason or e), 160) if getattr(e, "reason", None) else one_line(str(e), 160)
            return _ConnectFailure("tls", text.lower().replace("_", " "), False)
        if isinstance(e, socket.gaierror):
            temporary = e.errno == getattr(socket, "EAI_AGAIN", -3)
            return _ConnectFailure("dns", one_line(e.strerror or str(e), 160), temporary)
        if isinstance(e, ConnectionRefusedError):
            return _ConnectFailure("refused", "connection refused", True)
    if any(e.__class__.__name__ == "ConnectTimeout" for e in chain):
        return _ConnectFailure("timeout", "no connection within the time limit", True)
    return _ConnectFailure("other", _reason(exc), True)


def _reason(exc: Exception) -> str:
    text = one_line(str(exc), 160)
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def _response(raw) -> Response:
    ctype = raw.headers.get("content-type", "")
    text = raw.text
    body = None
    is_json = False
    if "json" in ctype.lower():
        try:
            body = json.loads(text) if text else None
            is_json = True
        except json.JSONDecodeError:
            body = None
    return Response(raw.status_code, body, text, is_json, {k.lower(): v for k, v in raw.headers.items()})


def http_error(step: str, host: str, r: Response, key_variable: str) -> RemoteHttpError:
    return RemoteHttpError(describe_http_error(step, host, r, key_variable), r.status, r.error.get("code"))
