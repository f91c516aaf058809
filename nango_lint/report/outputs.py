"""Choosing formats: the default format (``github`` inside GitHub Actions) and ``--output FORMAT:PATH`` files,
written atomically after the main report."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass

from nango_lint.report import FORMATS, Report, reporter


class OutputError(Exception):
    """A bad ``--output`` value or a file that cannot be written: one line for the user, exit 2."""


@dataclass(frozen=True)
class OutputSpec:
    format: str
    path: str


def default_format(environ: dict | None = None, stdout_is_tty: bool = False) -> str:
    """``github`` when running in GitHub Actions with stdout not a terminal, else ``concise``."""
    environ = os.environ if environ is None else environ
    if environ.get("GITHUB_ACTIONS") == "true" and not stdout_is_tty:
        return "github"
    return "concise"


def parse_output(value: str) -> OutputSpec:
    """``FORMAT:PATH``, split on the first colon (so PATH may contain colons). Checks the format and that PATH can
    be written (its folder exists and is writable, it is not a folder) before anything is linted."""
    fmt, sep, path = value.partition(":")
    fmt = fmt.strip()
    if not sep or not fmt or not path:
        raise OutputError(f"--output {value!r}: expected FORMAT:PATH, e.g. sarif:nango-lint.sarif")
    if fmt not in FORMATS:
        raise OutputError(f"--output {value!r}: unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if os.path.isdir(path):
        raise OutputError(f"--output {value!r}: {path} is a folder")
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise OutputError(f"--output {value!r}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise OutputError(f"--output {value!r}: {path} is not writable")
    return OutputSpec(fmt, path)


def render(report: Report, fmt: str) -> str:
    buf = io.StringIO()
    reporter(fmt)(report, buf)
    return buf.getvalue()


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename, so readers never see a
    half-written report. A new file gets the usual permissions (0666 minus the umask); an existing one keeps its."""
    folder = os.path.dirname(path) or "."
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    import tempfile  # lazily: most runs write no extra report

    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".nango-lint-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_outputs(report: Report, specs: list[OutputSpec]) -> None:
    for spec in specs:
        try:
            write_atomic(spec.path, render(report, spec.format))
        except OSError as exc:
            raise OutputError(f"--output {spec.format}:{spec.path}: cannot write ({exc.strerror or exc})") from None
