"""Which files to lint: explicit files always; folders recursively, minus vendored, built, hidden and git-ignored."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from nango_lint.parsing import LINTABLE_EXTENSIONS

SKIP_DIRS = frozenset({"node_modules", "dist", "build", ".nango"})


class DiscoveryError(Exception):
    """A path the user named cannot be linted (missing, unreadable); one line for the user."""


@dataclass(frozen=True)
class Target:
    path: str  # as the user will see it (relative stays relative)
    explicit: bool  # named on the command line (not found by walking a folder)


def _is_lintable(name: str) -> bool:
    return name.endswith(LINTABLE_EXTENSIONS) and not name.endswith(".d.ts")


def _git_ignored(folder: Path, candidates: list[str]) -> set[str]:
    """The subset of ``candidates`` (paths relative to ``folder``) that git ignores; empty outside a git checkout."""
    if not candidates:
        return set()
    import subprocess  # only folders need git; a one-file run does not pay for the import

    try:
        proc = subprocess.run(
            ["git", "-C", str(folder), "check-ignore", "-z", "--stdin"],
            input="\0".join(candidates).encode() + b"\0",
            capture_output=True,
            timeout=30,
        )
    except (OSError, ValueError, subprocess.SubprocessError):
        return set()
    if proc.returncode not in (0, 1):  # 128: not a git checkout
        return set()
    return {p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p}


def _walk(root: str) -> Iterator[str]:
    """Lintable files under ``root``, sorted, skipping vendored/build/hidden folders and directory loops."""
    seen_dirs: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
        except OSError:
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:  # a symlink loop or a second link to the same folder
            continue
        seen_dirs.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            name = entry.name
            try:
                # symlinked folders are not followed (like git): integration folders are often aliases of each
                # other (`aircall-basic -> aircall`), and a link to a parent would loop
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if name.startswith(".") or name in SKIP_DIRS:
                    continue
                subdirs.append(os.path.join(folder, name))
            elif _is_lintable(name):
                yield os.path.join(folder, name)
        stack.extend(reversed(subdirs))


def discover(paths: list[str], respect_gitignore: bool = True) -> list[Target]:
    """Expand command-line paths into lint targets. Raises DiscoveryError for a path that does not exist."""
    targets: list[Target] = []
    seen: set[str] = set()
    for raw in paths:
        p = Path(raw)
        if not p.exists() and not p.is_symlink():
            raise DiscoveryError(f"{raw}: no such file or directory")
        if p.is_dir():
            found = list(_walk(raw))
            if respect_gitignore and found:
                rel = [os.path.relpath(f, raw) for f in found]
                ignored = _git_ignored(p, rel)
                found = [f for f, r in zip(found, rel) if r not in ignored]
            for f in found:
                norm = os.path.normpath(f)
                if norm not in seen:
                    seen.add(norm)
                    targets.append(Target(_display(f), False))
        else:
            norm = os.path.normpath(raw)
            if norm not in seen:
                seen.add(norm)
                targets.append(Target(raw, True))
    return targets


def _display(path: str) -> str:
    return path[2:] if path.startswith("./") else path
