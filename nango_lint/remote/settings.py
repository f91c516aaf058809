"""Where to send requests and with which key: the environment, then ``.env`` in the working directory, then defaults.

Host: ``NANGO_SERVER_URL`` (environment, then ``.env``), then ``NANGO_HOSTPORT`` (the Nango CLI's variable, environment
then ``.env``), then ``https://api.nango.dev``; a trailing ``/`` is stripped. Key: ``NANGO_SECRET_KEY_<ENV>`` when an
environment name is given, else ``NANGO_SECRET_KEY``; environment before ``.env``. ``.env`` is read with python-dotenv
and never written into ``os.environ``.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from nango_lint.remote.errors import REDACTED, RemoteSetupError, redact

DEFAULT_HOST = "https://api.nango.dev"
ENV_NAME_RE = re.compile(r"^[A-Za-z0-9_-]+$")
KEY_CHARS_RE = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces: what an HTTP header can carry


class Secret:
    """A secret string that never shows itself in ``str``, ``repr``, f-strings or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({REDACTED})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return REDACTED


@dataclass(frozen=True)
class RemoteSettings:
    base_url: str  # scheme://host[:port][/prefix], no trailing slash
    host: str  # host[:port], for messages (never the key, never userinfo)
    key: Secret
    key_variable: str  # which variable the key came from (for hints)
    host_variable: str | None  # which variable the host came from (None: the default)


def load_dotenv_file(cwd: Path) -> dict[str, str]:
    """The variables of ``cwd/.env`` (python-dotenv's parser), without touching ``os.environ``."""
    path = cwd / ".env"
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    try:
        values = dotenv_values(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise RemoteSetupError(f"cannot read {path}: {exc.__class__.__name__}") from None
    return {k: v for k, v in values.items() if v is not None}


def _lookup(name: str, environ: Mapping[str, str], dotenv: Mapping[str, str]) -> str | None:
    for source in (environ, dotenv):
        value = source.get(name)
        if value is not None and value.strip():
            return value.strip()
    return None


def is_loopback(hostname: str) -> bool:
    if hostname.lower() in ("localhost", "localhost.localdomain") or hostname.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def _resolve_host(environ, dotenv, allow_insecure_http: bool) -> tuple[str, str, str | None]:
    host_variable = None
    url = None
    for name in ("NANGO_SERVER_URL", "NANGO_HOSTPORT"):
        url = _lookup(name, environ, dotenv)
        if url:
            host_variable = name
            break
    url = (url or DEFAULT_HOST).rstrip("/")
    parts = urlsplit(url)
    where = host_variable or "the default host"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteSetupError(f"{where} is not an http(s) URL: {url!r} (expected e.g. https://api.nango.dev)")
    if parts.username or parts.password:
        raise RemoteSetupError(f"{where} must not contain a user name or password")
    if parts.query or parts.fragment:
        raise RemoteSetupError(f"{where} must not contain a query string or fragment: {parts.scheme}://{parts.netloc}")
    try:
        port = parts.port
    except ValueError:
        raise RemoteSetupError(f"{where} has an invalid port: {url!r}") from None
    host = parts.hostname + (f":{port}" if port else "")
    if parts.scheme == "http" and not is_loopback(parts.hostname) and not allow_insecure_http:
        raise RemoteSetupError(
            f"refusing to send the secret key over plain http:// to {host} (use https://, or --allow-insecure-http)"
        )

    return url, host, host_variable


def resolve_settings(
    environment: str | None,
    allow_insecure_http: bool = False,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> RemoteSettings:
    environ = os.environ if environ is None else environ
    dotenv = load_dotenv_file(cwd or Path.cwd())

    if environment is not None:
        if not ENV_NAME_RE.match(environment):
            raise RemoteSetupError(f"invalid --environment {environment!r} (letters, digits, '_' and '-' only)")
        key_variable = f"NANGO_SECRET_KEY_{environment.upper().replace('-', '_')}"
    else:
        key_variable = "NANGO_SECRET_KEY"
    key = _lookup(key_variable, environ, dotenv)
    if not key:
        raise RemoteSetupError(f"no secret key: set {key_variable} in the environment or in .env")
    if not KEY_CHARS_RE.match(key):
        raise RemoteSetupError(f"{key_variable} contains characters that cannot be sent in an HTTP header")
    try:
        url, host, host_variable = _resolve_host(environ, dotenv, allow_insecure_http)
    except RemoteSetupError as exc:  # a key pasted into the URL must not be echoed back
        raise RemoteSetupError(redact(str(exc), key)) from None
    return RemoteSettings(url, host, Secret(key), key_variable, host_variable)
