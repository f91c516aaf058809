"""The throwaway Nango project a local compile runs in (created per run in a temp folder, always removed).

Layout (the minimal zero-yaml project ``nango compile`` accepts)::

    <tmp>/package.json         {"type": "module", "devDependencies": {"nango": <pinned>, "zod": <pinned>}}
    <tmp>/index.ts             import './<integration>/<syncs|actions|on-events>/<name>.js';   (one per function)
    <tmp>/.nango/
    <tmp>/<integration>/<kind folder>/<name>.ts      the user's function, copied unchanged
    <tmp>/<...>/<helper>.ts                          its relative imports, copied keeping their relative position
    <tmp>/node_modules -> <cache>/nango-<version>/node_modules

A function under ``<root>/<integration>/<syncs|actions|on-events|functions>/`` keeps that layout relative to
``<root>``; any other file is placed under ``<default integration>/<folder for its kind>/``. Nothing is written
next to the user's files.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterator

from nango_lint.compile.errors import CompileToolError
from nango_lint.compile.toolchain import NANGO_VERSION, ZOD_VERSION, Toolchain

KIND_DIRS = {"sync": "syncs", "action": "actions", "on-event": "on-events", "function": "functions"}
DEFAULT_INTEGRATION = "nango-lint"
INTEGRATION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
JS_FOR_TS = {".ts": ".js", ".tsx": ".js", ".mts": ".mjs", ".cts": ".cjs"}
MAX_FILES = 10_000


@dataclass(frozen=True)
class Entry:
    """A function to compile: where the user sees it, where it is on disk, its text and its kind."""

    display: str
    fs_path: str
    source: bytes
    kind: str  # FunctionModel.kind


@dataclass
class CopiedFile:
    display: str  # the user's path, as findings show it
    source: bytes


@dataclass
class Project:
    root: Path
    files: dict[str, CopiedFile] = field(default_factory=dict)  # project-relative posix path -> user file
    entries: list[str] = field(default_factory=list)  # project-relative paths of the functions


def placement(entry: Entry) -> tuple[str, str]:
    """(user base folder, project base folder) for one function: the user's folder that maps to the project's."""
    path = Path(os.path.abspath(entry.fs_path))
    parent = path.parent
    if parent.name in KIND_DIRS.values() and INTEGRATION_RE.match(parent.parent.name or ""):
        return str(parent.parent.parent), ""
    return str(parent), f"{DEFAULT_INTEGRATION}/{KIND_DIRS.get(entry.kind, 'syncs')}"


def _project_rel(fs_path: str, user_base: str, project_base: str) -> str | None:
    rel = os.path.relpath(fs_path, user_base)
    joined = os.path.normpath(os.path.join(project_base, rel) if project_base else rel)
    if joined.startswith("..") or os.path.isabs(joined):
        return None  # outside the folder the project mirrors: left out (TypeScript reports the missing module)
    return PurePosixPath(*Path(joined).parts).as_posix()


def _display(fs_path: str, like: str) -> str:
    if os.path.isabs(like):
        return os.path.normpath(fs_path)
    rel = os.path.relpath(fs_path)
    return rel if not rel.startswith("..") else os.path.normpath(fs_path)


def relative_imports(path: str, source: bytes) -> list[str]:
    """Module specifiers starting with ``./`` or ``../`` in top-level imports and re-exports."""
    from nango_lint.model.syntax import string_value
    from nango_lint.parsing import parse_source

    out = []
    for node in parse_source(path, source).root.children:
        if node.type not in ("import_statement", "export_statement"):
            continue
        spec = string_value(node.child_by_field_name("source"))
        if spec and spec.startswith(("./", "../")):
            out.append(spec)
    return out


def resolve_import(importer: str, spec: str) -> str | None:
    """The file a relative specifier refers to, the way TypeScript (node16) resolves ``./x.js`` to ``./x.ts``."""
    base = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(importer)), spec))
    stem, ext = os.path.splitext(base)
    if ext == ".js":
        candidates = [stem + ".ts", stem + ".tsx", stem + ".d.ts", base]
    elif ext == ".mjs":
        candidates = [stem + ".mts", stem + ".d.mts", base]
    elif ext == ".cjs":
        candidates = [stem + ".cts", stem + ".d.cts", base]
    elif ext in (".ts", ".tsx", ".mts", ".cts", ".json"):
        candidates = [base]
    else:
        candidates = [base + ".ts", base + ".tsx", base + ".d.ts", os.path.join(base, "index.ts")]
    return next((c for c in candidates if os.path.isfile(c)), None)


def plan(entries: list[Entry]) -> tuple[dict[str, CopiedFile], list[str]]:
    """Which user files go where in the project, and the project paths of the functions (pure: reads helpers only)."""
    files: dict[str, CopiedFile] = {}
    owners: dict[str, str] = {}  # project path -> absolute user path
    entry_rels: list[str] = []

    def claim(rel: str, fs_path: str, copied: CopiedFile) -> bool:
        real = os.path.abspath(fs_path)
        if rel in owners:
            if owners[rel] != real:
                raise CompileToolError(
                    f"cannot compile {files[rel].display} and {copied.display} together: both would be {rel} in the "
                    "Nango project; compile them in separate runs"
                )
            return False
        if len(files) >= MAX_FILES:
            raise CompileToolError(f"more than {MAX_FILES} files to compile at once; compile smaller folders")
        owners[rel] = real
        files[rel] = copied
        return True

    for entry in entries:
        user_base, project_base = placement(entry)
        name = os.path.basename(entry.fs_path)
        if project_base:
            rel = f"{project_base}/{name}"
        else:
            rel = _project_rel(entry.fs_path, user_base, "")
        assert rel is not None
        claim(rel, entry.fs_path, CopiedFile(entry.display, entry.source))
        if rel not in entry_rels:
            entry_rels.append(rel)
        # Relative helpers, transitively, mapped with this function's placement.
        pending = [(entry.fs_path, entry.display, entry.source)]
        seen = {os.path.abspath(entry.fs_path)}
        while pending:
            importer, display, source = pending.pop()
            for spec in relative_imports(importer, source):
                target = resolve_import(importer, spec)
                if target is None or os.path.abspath(target) in seen:
                    continue
                seen.add(os.path.abspath(target))
                target_rel = _project_rel(target, user_base, project_base)
                if target_rel is None:
                    continue
                try:
                    with open(target, "rb") as fh:
                        data = fh.read()
                except OSError:
                    continue  # unreadable: TypeScript will report the import
                if claim(target_rel, target, CopiedFile(_display(target, entry.display), data)):
                    if target.endswith((".ts", ".tsx", ".mts", ".cts")):
                        pending.append((target, _display(target, display), data))
    return files, entry_rels


def _make_root(toolchain: Toolchain) -> tuple[Path, bool]:
    """A fresh folder and whether node_modules can be a symlink there (else the folder is inside the cache)."""
    root = Path(tempfile.mkdtemp(prefix="nango-lint-compile-"))
    try:
        os.symlink(toolchain.node_modules, root / "node_modules", target_is_directory=True)
        return root, True
    except OSError:  # no symlinks (Windows without developer mode): node and tsc find node_modules by walking up
        shutil.rmtree(root, ignore_errors=True)
        work = toolchain.root / "work"
        work.mkdir(exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="nango-lint-compile-", dir=work)), False


def _write(root: Path, files: dict[str, CopiedFile], entry_rels: list[str]) -> None:
    manifest = {"name": "nango-integrations", "private": True, "type": "module",
                "devDependencies": {"nango": NANGO_VERSION, "zod": ZOD_VERSION}}
    (root / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (root / ".nango").mkdir()
    imports = []
    for rel in entry_rels:
        stem, ext = os.path.splitext(rel)
        imports.append(f"import './{stem}{JS_FOR_TS.get(ext, ext)}';\n")
    (root / "index.ts").write_text("".join(imports))
    for rel, copied in files.items():
        dest = root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(copied.source)


@contextmanager
def throwaway_project(entries: list[Entry], toolchain: Toolchain) -> Iterator[Project]:
    """Create the project, yield it, and remove it afterwards whatever happens (errors, time-outs, Ctrl-C)."""
    files, entry_rels = plan(entries)
    root, _ = _make_root(toolchain)
    try:
        _write(root, files, entry_rels)
        yield Project(root, files, entry_rels)
    finally:
        shutil.rmtree(root, ignore_errors=True)
