"""Process pool for large file sets. Queries cannot be pickled, so each worker compiles its own (lazily).

Files may have different settings (config files differ per folder): each chunk holds consecutive files that share
one Settings, which is pickled with the chunk.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Iterator

from nango_lint.discovery import Target
from nango_lint.engine import FileResult
from nango_lint.settings import Settings

CHUNK = 32


def _lint_chunk(job: tuple[Settings, list[Target]]) -> list[FileResult]:
    from nango_lint.runner import lint_target

    settings, chunk = job
    out = []
    for t in chunk:
        r = lint_target(t, settings)
        if r.parsed is not None:
            # trees cannot be pickled: send back only what reporters need (source and line index), and only
            # for files with findings
            r.parsed = replace(r.parsed, tree=None) if r.findings else None
        out.append(r)
    return out


def chunks(pairs: list[tuple[Target, Settings]]) -> list[tuple[Settings, list[Target]]]:
    """Consecutive runs of targets with equal settings, cut at CHUNK targets (order is kept)."""
    out: list[tuple[Settings, list[Target]]] = []
    for target, settings in pairs:
        if out and out[-1][0] == settings and len(out[-1][1]) < CHUNK:
            out[-1][1].append(target)
        else:
            out.append((settings, [target]))
    return out


def lint_parallel(pairs: list[tuple[Target, Settings]], workers: int) -> Iterator[FileResult]:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for results in pool.map(_lint_chunk, chunks(pairs)):
            yield from results
