"""Which compiler runs ``--compile``: the remote Nango service when a secret key resolves, else the local CLI."""

from __future__ import annotations

import os
from typing import Mapping

from nango_lint.compile.errors import CompileToolError

CHOICES = ("auto", "local", "remote")


def secret_key_name(environment: str | None) -> str:
    return f"NANGO_SECRET_KEY_{environment.upper()}" if environment else "NANGO_SECRET_KEY"


def has_secret_key(environment: str | None = None, environ: Mapping[str, str] | None = None,
                   dotenv_path: str = ".env") -> bool:
    """Whether a secret key resolves (environment first, then ``.env`` in the working directory); never returns it."""
    env = os.environ if environ is None else environ
    name = secret_key_name(environment)
    if env.get(name, "").strip():
        return True
    if not os.path.isfile(dotenv_path):
        return False
    from dotenv import dotenv_values

    try:
        value = dotenv_values(dotenv_path).get(name)
    except (OSError, UnicodeDecodeError):
        return False
    return bool(value and value.strip())


def choose_compiler(requested: str, environment: str | None = None, environ: Mapping[str, str] | None = None,
                    dotenv_path: str = ".env") -> str:
    """``local`` or ``remote`` for a ``--compiler`` value (``auto`` looks for a secret key)."""
    if requested not in CHOICES:
        raise CompileToolError(f"unknown compiler {requested!r} (expected one of {', '.join(CHOICES)})")
    if requested != "auto":
        return requested
    return "remote" if has_secret_key(environment, environ, dotenv_path) else "local"
