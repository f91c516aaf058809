"""``--add-suppressions[=REASON]``: insert ``// nango-lint-disable-next-line CODE -- REASON`` above every finding.

For adopting nango-lint on existing code (ruff's ``--add-noqa``): one comment per flagged line, merging its rules,
indented like that line, so that a re-run is clean. A line that starts inside a multi-line string, template literal,
block comment or JSX text is skipped with a note (a comment there would change the program or do nothing). Meta
findings (NL901-NL903) are about directives themselves and are never suppressed this way. Files are rewritten
atomically, keeping their byte-order mark and line endings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from tree_sitter import Node

from nango_lint.findings import Finding
from nango_lint.parsing import BOM, parse_source
from nango_lint.suppressions import META_CODES

_LITERALS = {"template_string": "a template literal", "string": "a string", "comment": "a comment",
             "regex": "a regular expression", "jsx_text": "JSX text"}
_JSX_CONTAINERS = frozenset({"jsx_element", "jsx_fragment"})
_JSX_CODE = frozenset({"jsx_expression", "jsx_opening_element", "jsx_self_closing_element", "jsx_closing_element"})


@dataclass
class AddResult:
    added: int = 0
    files: int = 0
    notes: list[str] = field(default_factory=list)


def unsafe_context(root: Node, pos: int) -> str | None:
    """What a new line inserted at byte ``pos`` would land inside, when that is not code (else None)."""
    if pos == 0 and root.text.startswith(b"#!"):
        return "a #! line"  # nothing may precede it
    node = root.descendant_for_byte_range(pos, pos)
    while node is not None:
        inside = node.start_byte < pos < node.end_byte
        if inside and node.type in _LITERALS:
            return _LITERALS[node.type]
        if inside and node.type in _JSX_CODE:
            return None
        if inside and node.type in _JSX_CONTAINERS:
            return "JSX children"
        node = node.parent
    return None


def _newline(source: bytes, starts: list[int], row: int) -> bytes:
    for r in (row, row - 1):
        if 0 <= r and r + 1 < len(starts):
            end = starts[r + 1]
            if source[end - 2 : end] == b"\r\n":
                return b"\r\n"
            if source[end - 1 : end] == b"\r":
                return b"\r"
            return b"\n"
    return b"\n"


def directive(codes: list[str], reason: str, indent: bytes) -> bytes:
    reason = " ".join(reason.split())
    text = "// nango-lint-disable-next-line " + ", ".join(codes) + (f" -- {reason}" if reason else "")
    return indent + text.encode("utf-8")


def add_to_file(path: str, findings: list[Finding], reason: str, result: AddResult) -> None:
    with open(path, "rb") as fh:
        raw = fh.read()
    had_bom = raw.startswith(BOM)
    parsed = parse_source(path, raw)
    source, starts = parsed.source, parsed.lines.starts
    by_row: dict[int, list[str]] = {}
    for f in findings:
        by_row.setdefault(f.line - 1, [])
        if f.code not in by_row[f.line - 1]:
            by_row[f.line - 1].append(f.code)
    inserts: list[tuple[int, bytes]] = []
    for row, codes in sorted(by_row.items()):
        if row >= len(starts):
            continue
        pos = starts[row]
        where = unsafe_context(parsed.root, pos)
        if where is not None:
            result.notes.append(f"{path}:{row + 1}: not suppressed ({', '.join(sorted(codes))}): the line starts "
                                f"inside {where}; suppress it by hand")
            continue
        line_end = starts[row + 1] if row + 1 < len(starts) else len(source)
        line = source[pos:line_end]
        indent = line[: len(line) - len(line.lstrip(b" \t"))]
        inserts.append((pos, directive(sorted(codes), reason, indent) + _newline(source, starts, row)))
    if not inserts:
        return
    out = bytearray(source)
    for pos, text in reversed(inserts):
        out[pos:pos] = text
    _write_atomic(path, (BOM if had_bom else b"") + bytes(out))
    result.added += len(inserts)
    result.files += 1


def _write_atomic(path: str, data: bytes) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.nango-lint.tmp")
    try:
        mode = os.stat(path).st_mode & 0o7777
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def add_suppressions(findings: list[Finding], reason: str = "") -> AddResult:
    result = AddResult()
    by_path: dict[str, list[Finding]] = {}
    skipped_meta = 0
    for f in findings:
        if f.code in META_CODES:
            skipped_meta += 1
            continue
        by_path.setdefault(f.path, []).append(f)
    for path in sorted(by_path):
        try:
            add_to_file(path, by_path[path], reason, result)
        except OSError as exc:
            result.notes.append(f"{path}: not changed ({exc.strerror or exc})")
    if skipped_meta:
        result.notes.append(f"{skipped_meta} finding(s) about suppression directives (NL901-NL903) were left for "
                            "you to fix by hand")
    return result
