"""The throwaway project: where files go, what is written, and that it always disappears (no node needed)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nango_lint.compile.errors import CompileToolError
from nango_lint.compile.project import Entry, plan, resolve_import, throwaway_project
from nango_lint.compile.toolchain import Toolchain

SYNC = b"import { createSync } from 'nango';\nimport { helper } from '../helpers/util.js';\nexport default createSync({});\n"


def write(path: Path, text: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def entry(path: Path, kind: str = "sync") -> Entry:
    return Entry(str(path), str(path), path.read_bytes(), kind)


@pytest.fixture
def fake_cache(tmp_path) -> Toolchain:
    """A toolchain folder with an (empty) node_modules: enough to lay out a project without node."""
    root = tmp_path / "cache" / "nango-0.71.10"
    (root / "node_modules").mkdir(parents=True)
    (root / "node_modules" / "keep.txt").write_text("cache content")
    return Toolchain(root, "node")


def test_layout_keeps_integration_and_helpers_relative(tmp_path):
    proj = tmp_path / "integrations"
    sync = write(proj / "crm" / "syncs" / "contacts.ts", SYNC)
    write(proj / "crm" / "helpers" / "util.ts", "import { deep } from './deep/index.js';\nexport const helper = deep;\n")
    write(proj / "crm" / "helpers" / "deep" / "index.ts", "import type { T } from '../../../shared/types';\nexport const deep = 1;\n")
    write(proj / "shared" / "types.ts", "export type T = string;\n")
    files, entries = plan([entry(sync)])
    assert entries == ["crm/syncs/contacts.ts"]
    assert sorted(files) == ["crm/helpers/deep/index.ts", "crm/helpers/util.ts", "crm/syncs/contacts.ts", "shared/types.ts"]
    assert files["shared/types.ts"].source == b"export type T = string;\n"


def test_a_function_outside_a_kind_folder_goes_under_the_default_integration(tmp_path):
    action = write(tmp_path / "scratch" / "refund.ts", b"import { x } from './lib.js';\nexport default createAction({});\n")
    write(tmp_path / "scratch" / "lib.ts", "export const x = 1;\n")
    files, entries = plan([entry(action, "action")])
    assert entries == ["nango-lint/actions/refund.ts"]
    assert sorted(files) == ["nango-lint/actions/lib.ts", "nango-lint/actions/refund.ts"]


def test_imports_leaving_the_mirrored_folder_are_left_out(tmp_path):
    sync = write(tmp_path / "ints" / "crm" / "syncs" / "a.ts", b"import { x } from '../../../outside.js';\n")
    write(tmp_path / "outside.ts", "export const x = 1;\n")
    files, _ = plan([entry(sync)])
    assert list(files) == ["crm/syncs/a.ts"]  # TypeScript then reports the missing module at the import line


def test_resolution_follows_typescript_node16(tmp_path):
    importer = write(tmp_path / "a" / "syncs" / "s.ts", b"")
    ts = write(tmp_path / "a" / "helpers" / "x.ts", b"")
    write(tmp_path / "a" / "helpers" / "data.json", b"{}")
    assert resolve_import(str(importer), "../helpers/x.js") == str(ts)
    assert resolve_import(str(importer), "../helpers/x") == str(ts)
    assert resolve_import(str(importer), "../helpers/data.json").endswith("data.json")
    assert resolve_import(str(importer), "../helpers/missing.js") is None


def test_two_files_that_would_collide_are_refused(tmp_path):
    one = write(tmp_path / "one" / "crm" / "syncs" / "a.ts", SYNC)
    two = write(tmp_path / "two" / "crm" / "syncs" / "a.ts", SYNC)
    with pytest.raises(CompileToolError, match="both would be crm/syncs/a.ts"):
        plan([entry(one), entry(two)])


def test_project_files_and_removal(tmp_path, fake_cache, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    sync = write(tmp_path / "ints" / "crm" / "syncs" / "contacts.ts", SYNC)
    write(tmp_path / "ints" / "crm" / "helpers" / "util.ts", "export const helper = 1;\n")
    action = write(tmp_path / "ints" / "crm" / "actions" / "create.ts", b"export default createAction({});\n")
    before = sorted(p.relative_to(tmp_path / "ints") for p in (tmp_path / "ints").rglob("*"))
    with throwaway_project([entry(sync), entry(action, "action")], fake_cache) as project:
        root = project.root
        assert root.parent == tmp_path and root.name.startswith("nango-lint-compile-")
        manifest = json.loads((root / "package.json").read_text())
        assert manifest["type"] == "module"
        assert manifest["devDependencies"] == {"nango": "0.71.10", "zod": "4.3.6"}
        assert (root / ".nango").is_dir() and not (root / "nango.yaml").exists()
        assert (root / "index.ts").read_text() == "import './crm/syncs/contacts.js';\nimport './crm/actions/create.js';\n"
        assert (root / "crm" / "helpers" / "util.ts").read_text() == "export const helper = 1;\n"
        assert os.readlink(root / "node_modules") == str(fake_cache.node_modules)
    assert not root.exists()
    assert (fake_cache.node_modules / "keep.txt").read_text() == "cache content"  # the symlink went, not the cache
    assert sorted(p.relative_to(tmp_path / "ints") for p in (tmp_path / "ints").rglob("*")) == before


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_project_is_removed_whatever_happens(tmp_path, fake_cache, monkeypatch, exc):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    sync = write(tmp_path / "ints" / "crm" / "syncs" / "contacts.ts", SYNC)
    seen = []
    with pytest.raises(type(exc)):
        with throwaway_project([entry(sync)], fake_cache) as project:
            seen.append(project.root)
            raise exc
    assert seen and not seen[0].exists()
    assert not list(tmp_path.glob("nango-lint-compile-*"))
