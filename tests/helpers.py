"""Shared test helpers: lint in memory, parse semgrep-style annotations."""

from __future__ import annotations

import re
from pathlib import Path

from nango_lint.engine import lint_source
from nango_lint.registry import catalog
from nango_lint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
ANNOTATION = re.compile(r"^\s*(?://|/\*|\{/\*)\s*(ruleid|ok|todoruleid|todook):\s*([A-Za-z0-9_,\s-]+?)\s*(?:\*/\}?|\*/)?\s*$")
# ``code; // ruleid: NL001`` at the end of a code line refers to that line itself: the only way to annotate a
# finding on line 1 (file-level findings such as NL001's "no default export" are reported at 1:1).
TRAILING_ANNOTATION = re.compile(r"^\s*[^\s/].*?//\s*(ruleid|ok|todoruleid|todook):\s*([A-Za-z0-9_,\s-]+?)\s*$")
PATH_HEADER = re.compile(r"^\s*//\s*fixture-path:\s*(\S+)\s*$")


def settings_for(*codes: str, **kw) -> Settings:
    cat = catalog()
    enabled = frozenset(codes) if codes else frozenset(cat.default_enabled())
    return Settings(enabled=enabled, **kw)


def lint_text(code: str, path: str = "demo/syncs/example.ts", *codes: str, explicit: bool = False):
    return lint_source(path, code.encode(), settings_for(*codes), explicit=explicit).findings


def virtual_path(source: str, real: Path) -> str:
    """Where a fixture pretends to live: a ``// fixture-path:`` header, else by what it defines."""
    for line in source.splitlines()[:5]:
        m = PATH_HEADER.match(line)
        if m:
            return m.group(1)
    stem = real.name
    if "createAction" in source:
        return f"demo/actions/{stem}"
    if "createOnEvent" in source:
        return f"demo/on-events/{stem}"
    return f"demo/syncs/{stem}"


def parse_annotations(source: str) -> dict[str, set[tuple[str, int]]]:
    """``{"ruleid": {(code, line)}, "ok": {...}, ...}``: an annotation line refers to the next line that is not an
    annotation (1-based), as in semgrep's test files."""
    lines = source.splitlines()
    out: dict[str, set[tuple[str, int]]] = {"ruleid": set(), "ok": set(), "todoruleid": set(), "todook": set()}
    pending: list[tuple[str, str]] = []
    for idx, line in enumerate(lines, start=1):
        m = ANNOTATION.match(line)
        if m:
            kind, ids = m.group(1), m.group(2)
            for rid in (i.strip() for i in ids.split(",")):
                if rid:
                    pending.append((kind, rid))
            continue
        trailing = TRAILING_ANNOTATION.match(line)
        if trailing:
            pending.extend((trailing.group(1), rid.strip()) for rid in trailing.group(2).split(",") if rid.strip())
        if pending:
            for kind, rid in pending:
                rule = catalog().get(rid)
                assert rule is not None, f"annotation names unknown rule {rid!r}"
                out[kind].add((rule.code, idx))
            pending = []
    assert not pending, "annotation at the end of the file refers to no line"
    return out
