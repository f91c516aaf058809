"""What can go wrong in the remote pass, as exceptions whose text is one line for the user.

Every message that leaves this package goes through ``redact`` with the secret key, so the key can never be printed,
even when a server or a library echoes it back.
"""

from __future__ import annotations

REDACTED = "***"


class RemoteError(Exception):
    """A remote-pass failure that ends the run with exit code 2 and one line on stderr."""


class RemoteSetupError(RemoteError):
    """Bad flags, settings or input for the remote pass (detected before or instead of a request)."""


class RemoteNetworkError(RemoteError):
    """No usable HTTP answer: connection refused, DNS failure, TLS error, a read timeout."""


class RemoteHttpError(RemoteError):
    """The server answered with an HTTP error that is not a failure of the user's function (auth, scope, 404...)."""

    def __init__(self, message: str, status: int, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class NonJsonNotFound(RemoteError):
    """A 404 that is not a Nango JSON error: the path does not exist on this server (the other API generation)."""


def redact(text: str, *secrets: str | None) -> str:
    """``text`` with every occurrence of each non-empty secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def one_line(text: str, limit: int = 400) -> str:
    """Whitespace collapsed to single spaces, cut at ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
