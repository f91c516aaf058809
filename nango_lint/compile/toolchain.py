"""The cached local toolchain: a pinned ``nango`` CLI (+ ``zod``) installed with npm once, reused afterwards.

Layout: ``<cache>/nango-<version>/`` (``package.json``, ``node_modules/``, a completion marker), where ``<cache>`` is
``$NANGO_LINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/nango-lint``, else ``~/.cache/nango-lint``. The install runs in a
temporary folder next to it and is renamed into place when complete, under an exclusive lock file, so parallel runs
never install twice and never see a half-installed toolchain.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping, TextIO

from nango_lint.compile.errors import CompileToolError

NANGO_VERSION = "0.71.10"
ZOD_VERSION = "4.3.6"  # the value `nango compile` requires in devDependencies
MIN_NODE_MAJOR = 20
INSTALL_TIMEOUT = 900  # seconds
MARKER = ".nango-lint-complete"
NPM_INSTALL_ARGS = ("install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error")
# Never hand secrets to child processes that do not need them.
SECRET_ENV = re.compile(r"^NANGO_SECRET_KEY(_.*)?$|^NANGO_HOSTPORT$")
NODE_HINT = "install Node.js 20 or newer (https://nodejs.org), or compile remotely with --compiler remote"


def cache_root(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get("NANGO_LINT_CACHE_DIR"):
        return Path(env["NANGO_LINT_CACHE_DIR"]).expanduser()
    xdg = env.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "nango-lint"
    return Path.home() / ".cache" / "nango-lint"


def folder_name() -> str:
    return f"nango-{NANGO_VERSION}"


def child_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The parent's environment minus Nango secrets and host (the local compiler needs neither)."""
    env = os.environ if environ is None else environ
    return {k: v for k, v in env.items() if not SECRET_ENV.match(k)}


@dataclass(frozen=True)
class Toolchain:
    root: Path  # <cache>/nango-<version>
    node: str  # absolute path of the node executable

    @property
    def node_modules(self) -> Path:
        return self.root / "node_modules"

    @property
    def cli(self) -> Path:
        return self.node_modules / "nango" / "dist" / "index.js"


def find_node(environ: Mapping[str, str] | None = None) -> str:
    """The node executable on PATH, checked to be new enough; a CompileToolError says what to do otherwise."""
    env = os.environ if environ is None else environ
    node = shutil.which("node", path=env.get("PATH", os.defpath))
    if node is None:
        raise CompileToolError(f"node was not found on PATH; the local compiler needs it: {NODE_HINT}")
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        raise CompileToolError(f"cannot run {node} --version ({exc}); {NODE_HINT}") from None
    version = out.stdout.strip()
    m = re.match(r"^v?(\d+)\.", version)
    if out.returncode != 0 or m is None:
        raise CompileToolError(f"{node} --version did not print a Node.js version ({version or 'no output'}); {NODE_HINT}")
    if int(m.group(1)) < MIN_NODE_MAJOR:
        raise CompileToolError(f"node {version} is too old; the local compiler needs Node.js {MIN_NODE_MAJOR} or newer: {NODE_HINT}")
    return node


def is_ready(root: Path) -> bool:
    return (root / MARKER).is_file() and (root / "node_modules" / "nango" / "dist" / "index.js").is_file()


def ensure_toolchain(
    progress: TextIO | None = None, environ: Mapping[str, str] | None = None, cache: Path | None = None
) -> Toolchain:
    """The ready toolchain, installing it first if needed (once, under a lock)."""
    env = os.environ if environ is None else environ
    node = find_node(env)
    base = cache if cache is not None else cache_root(env)
    root = base / folder_name()
    if is_ready(root):
        return Toolchain(root, node)
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CompileToolError(f"cannot create the toolchain cache {base} ({exc.strerror or exc}); set NANGO_LINT_CACHE_DIR to a writable folder") from None
    with _install_lock(base / f"{folder_name()}.lock", progress):
        if not is_ready(root):  # another run may have finished the install while we waited
            _install(base, root, env, progress)
    return Toolchain(root, node)


@contextmanager
def _install_lock(path: Path, progress: TextIO | None) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # no flock (Windows): the atomic rename alone keeps the cache consistent
        yield
        return
    with open(path, "a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _say(progress, "nango-lint: waiting for another nango-lint run to finish installing the Nango toolchain...")
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _install(base: Path, root: Path, env: Mapping[str, str], progress: TextIO | None) -> None:
    npm = shutil.which("npm", path=env.get("PATH", os.defpath))
    if npm is None:
        raise CompileToolError(
            f"npm was not found on PATH; it is needed once to install the local Nango compiler (nango@{NANGO_VERSION}) "
            "into the cache: install Node.js with npm (https://nodejs.org), or compile remotely with --compiler remote"
        )
    if root.exists():  # a broken folder (no completion marker): start again
        shutil.rmtree(root, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder_name()}.installing-", dir=base))
    try:
        manifest = {"name": "nango-lint-toolchain", "private": True,
                    "dependencies": {"nango": NANGO_VERSION, "zod": ZOD_VERSION}}
        (tmp / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
        _say(progress, f"nango-lint: installing the local Nango compiler (nango@{NANGO_VERSION}, zod@{ZOD_VERSION}) "
                       f"into {root} with npm; this happens once...")
        started = time.monotonic()
        try:
            proc = subprocess.run([npm, *NPM_INSTALL_ARGS], cwd=tmp, env=child_env(env), stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, errors="replace", timeout=INSTALL_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise CompileToolError(
                f"npm install of nango@{NANGO_VERSION} did not finish within {INSTALL_TIMEOUT} s; check the network and "
                "the npm registry (npm config get registry), then run again"
            ) from None
        except OSError as exc:
            raise CompileToolError(f"cannot run npm ({exc.strerror or exc}); check the Node.js installation") from None
        if proc.returncode != 0:
            raise CompileToolError(
                f"npm install of nango@{NANGO_VERSION} failed ({npm_error_summary(proc.stderr, proc.returncode)}); check the "
                "network and the npm registry (npm config get registry), or compile remotely with --compiler remote"
            )
        if not (tmp / "node_modules" / "nango" / "dist" / "index.js").is_file():
            raise CompileToolError(f"npm install finished but nango@{NANGO_VERSION} is not in {tmp}/node_modules; run again")
        (tmp / MARKER).write_text(json.dumps({"nango": NANGO_VERSION, "zod": ZOD_VERSION}) + "\n")
        os.chmod(tmp, 0o755)  # mkdtemp made it private; the cache may be shared read-only
        os.rename(tmp, root)
        _say(progress, f"nango-lint: Nango toolchain installed in {time.monotonic() - started:.0f} s.")
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def npm_error_summary(stderr: str, returncode: int) -> str:
    """The informative part of npm's error output, on one line."""
    code = None
    details = []
    for line in stderr.splitlines():
        line = line.strip()
        m = re.match(r"^npm (?:ERR!|error)\s*(.*)$", line)
        if not m or not m.group(1):
            continue
        body = m.group(1).strip()
        if body.startswith("code ") and code is None:
            code = body[5:].strip()
        elif not body.startswith(("A complete log", "Log files", "errno ", "syscall ")) and "/_logs/" not in body:
            details.append(body)
    parts = [p for p in (code, details[0] if details else None) if p]
    return ": ".join(parts)[:300] if parts else f"exit code {returncode}"


def _say(progress: TextIO | None, message: str) -> None:
    stream = progress if progress is not None else sys.stderr
    stream.write(message + "\n")
    stream.flush()
