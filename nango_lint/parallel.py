"""Process pool for large file sets. Queries cannot be pickled, so each worker compiles its own (lazily)."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Iterator

from nango_lint.discovery import Target
from nango_lint.engine import FileResult
from nango_lint.settings import Settings

_settings: Settings | None = None
CHUNK = 32


def _init(settings: Settings) -> None:
    global _settings
    _settings = settings


def _lint_chunk(chunk: list[Target]) -> list[FileResult]:
    from nango_lint.runner import lint_target

    out = []
    for t in chunk:
        r = lint_target(t, _settings)
        if r.parsed is not None:
            # trees cannot be pickled: send back only what reporters need (source and line index), and only
            # for files with findings
            r.parsed = replace(r.parsed, tree=None) if r.findings else None
        out.append(r)
    return out


def lint_parallel(targets: list[Target], settings: Settings, workers: int) -> Iterator[FileResult]:
    chunks = [targets[i : i + CHUNK] for i in range(0, len(targets), CHUNK)]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(settings,)) as pool:
        for results in pool.map(_lint_chunk, chunks):
            yield from results
