"""Lint many files: read, lint, and stream results; a process pool for large file sets."""

from __future__ import annotations

import os
from typing import Callable, Iterable, Iterator

from nango_lint.discovery import Target
from nango_lint.engine import FileResult, lint_parsed
from nango_lint.parsing import parse_source
from nango_lint.settings import Settings

MAX_FILE_BYTES = 10 * 1024 * 1024


def read_target(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(MAX_FILE_BYTES + 1)


def lint_bytes(path: str, raw: bytes, settings: Settings, explicit: bool = True) -> FileResult:
    if len(raw) > MAX_FILE_BYTES:
        return FileResult(path, error=f"{path}: file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, not linted")
    if b"\x00" in raw[:8192]:
        return FileResult(path, error=f"{path}: binary file (contains NUL bytes), not linted")
    parsed = parse_source(path, raw)
    findings = lint_parsed(path, parsed, settings, explicit=explicit)
    return FileResult(path, findings, parsed=parsed)


def lint_target(target: Target, settings: Settings) -> FileResult:
    try:
        raw = read_target(target.path)
    except IsADirectoryError:
        return FileResult(target.path, error=f"{target.path}: is a directory")
    except PermissionError:
        return FileResult(target.path, error=f"{target.path}: permission denied")
    except OSError as exc:
        return FileResult(target.path, error=f"{target.path}: cannot read ({exc.strerror or exc})")
    return lint_bytes_safely(target.path, raw, settings, target.explicit)


def lint_bytes_safely(path: str, raw: bytes, settings: Settings, explicit: bool = True) -> FileResult:
    """``lint_bytes`` that turns an unexpected failure into a one-line error for this file, never a traceback."""
    try:
        return lint_bytes(path, raw, settings, explicit)
    except RecursionError:
        return FileResult(path, error=f"{path}: too deeply nested to analyse, not linted")
    except Exception as exc:  # a bug in a rule must cost one file, never the run: one line, exit 2
        return FileResult(path, error=f"{path}: internal error ({type(exc).__name__}: {exc}); please report it")


SettingsFor = Callable[[str], Settings]


def lint_targets(
    targets: Iterable[Target], settings: Settings | SettingsFor, jobs: int | None = None
) -> Iterator[FileResult]:
    """Lint targets in order. ``settings`` is one Settings for all, or a function giving each path its own
    (config files differ per folder)."""
    targets = list(targets)
    settings_for = settings if callable(settings) else (lambda _path: settings)
    workers = _workers(len(targets), jobs)
    if workers <= 1:
        for t in targets:
            yield lint_target(t, settings_for(t.path))
        return
    from nango_lint.parallel import lint_parallel

    yield from lint_parallel([(t, settings_for(t.path)) for t in targets], workers)


POOL_THRESHOLD = 64


def _workers(n: int, jobs: int | None) -> int:
    if jobs is not None:
        return max(1, jobs)
    if n < POOL_THRESHOLD:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))
