"""Path facts about a function file: its folder kind and its name (the file stem)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePath

FOLDER_KINDS = {"syncs": "sync", "actions": "action", "on-events": "on-event"}
KIND_FOLDERS = {v: k for k, v in FOLDER_KINDS.items()}
NAME_RE = re.compile(r"^[a-zA-Z0-9_-]+$")
KEBAB_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@lru_cache(maxsize=4096)
def folder_kind(path: str) -> str | None:
    """``sync``/``action``/``on-event`` when the file sits directly in a ``syncs/``, ``actions/`` or ``on-events/``
    folder, else None."""
    parts = PurePath(path.replace("\\", "/")).parts
    if len(parts) < 2:
        return None
    return FOLDER_KINDS.get(parts[-2])


@lru_cache(maxsize=4096)
def function_name(path: str) -> str:
    name = PurePath(path.replace("\\", "/")).name
    for ext in (".d.ts", ".tsx", ".mts", ".cts", ".ts"):
        if name.endswith(ext):
            return name[: -len(ext)]
    return name
