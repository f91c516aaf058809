"""Run ``nango compile`` in a throwaway project: offline, non-interactive, with a time limit.

The environment turns off the CLI's telemetry, its upgrade check (which prompts, and exits 0 without compiling when
stdin is closed) and its dependency update; stdin is /dev/null so nothing can wait for an answer. Nango secrets and
host are removed from the child's environment. The CLI runs in its own process group so a time-out kills it and the
esbuild service it starts.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from nango_lint.compile.errors import CompileToolError
from nango_lint.compile.toolchain import Toolchain, child_env

DEFAULT_TIMEOUT = 120.0  # seconds
COMPILE_ARGS = ("compile", "--no-interactive", "--no-telemetry", "--no-dependency-update")


@dataclass(frozen=True)
class CompileOutput:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def compile_env(project: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    env = child_env(environ)
    env.update(
        NANGO_CLI_UPGRADE_MODE="ignore",
        NANGO_CLI_TELEMETRY="false",
        NANGO_CLI_DEPENDENCY_UPDATE="false",
        FORCE_COLOR="0",
        NO_COLOR="1",
        XDG_CONFIG_HOME=str(project / ".xdg"),  # the CLI's config store, kept out of the user's home
    )
    return env


def run_compile(project: Path, toolchain: Toolchain, timeout: float = DEFAULT_TIMEOUT,
                environ: Mapping[str, str] | None = None) -> CompileOutput:
    cmd = [toolchain.node, str(toolchain.cli), *COMPILE_ARGS]
    started = time.monotonic()
    try:
        proc = subprocess.Popen(cmd, cwd=project, env=compile_env(project, environ), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        raise CompileToolError(f"cannot run {toolchain.node} ({exc.strerror or exc}); check the Node.js installation") from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise CompileToolError(
            f"the local compile did not finish within {timeout:g} s; raise the limit with --compile-timeout SECONDS "
            "or compile fewer files at once"
        ) from None
    except BaseException:  # KeyboardInterrupt: do not leave the CLI running
        _kill_group(proc)
        raise
    return CompileOutput(proc.returncode, _text(out), _text(err), time.monotonic() - started)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the group we created for this child (start_new_session)
    except (OSError, AttributeError):
        proc.kill()
    try:
        proc.communicate(timeout=10)
    except subprocess.SubprocessError:
        pass


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "")
