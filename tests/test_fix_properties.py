"""Properties of --fix over generated fixable sources (tests/test_fixes.py has the hand-written cases).

Sources are assembled from fragments that each trigger a fixable rule: NL101 (retries above the limit), NL102 (a
config without retries, in several layouts), NL704 (null unions), NL604 (console calls), NL206 (getCheckpoint<T>),
in any number and order, with LF or CRLF line endings, with or without a BOM, indented with spaces or tabs, with line
and block comments around them, and sometimes with an unrelated syntax error. For every such file:

- the fixed file re-parses with no more syntax errors than the original had;
- fixing the fixed file changes nothing (fixing twice equals fixing once), and every fixable finding is gone;
- line endings and the BOM are kept; through the CLI the file mode is kept too;
- a write interrupted between the temp file and the rename (or before it) leaves the original byte-identical and no
  temp file behind.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nango_lint.cli import main_command
from nango_lint.engine import lint_parsed
from nango_lint.fixes import applicable, fix_source, syntax_error_count
from nango_lint.parsing import BOM, parse_source
from nango_lint.registry import catalog
from nango_lint.settings import Settings

FIXABLE = ("NL101", "NL102", "NL704", "NL604", "NL206")
RULES = Settings(enabled=frozenset(catalog().default_enabled()) | frozenset(FIXABLE))
PATH = "integrations/demo/syncs/items.ts"

# -- fragments (each a list of lines at the statement level of exec; ``{i}`` is one indent) --------------------------

DOC = "{i}// https://developers.example.com/reference/items"


@st.composite
def nl101(draw) -> list[str]:
    n = draw(st.integers(min_value=4, max_value=99))
    if draw(st.booleans()):
        return [DOC, f"{{i}}const r{{k}} = await nango.get({{{{ endpoint: '/a', retries: {n} }}}});"]
    return [DOC, "{i}const r{k} = await nango.get({{", "{i}{i}endpoint: '/a',", f"{{i}}{{i}}retries: {n}, // many", "{i}}});"]


@st.composite
def nl102(draw) -> list[str]:
    layout = draw(st.sampled_from(["inline", "inline-comma", "multi", "multi-comma", "multi-comment", "multi-block"]))
    call = draw(st.sampled_from(["get", "paginate"]))
    head = "{i}const r{k} = " + ("await nango.get(" if call == "get" else "nango.paginate(")
    if layout.startswith("inline"):
        comma = "," if layout == "inline-comma" else ""
        return [DOC, head + "{{ endpoint: '/b'" + comma + " }});"]
    lines = [DOC, head + "{{", "{i}{i}endpoint: '/b'" + ("," if layout != "multi" else "")]
    if layout == "multi-comma":
        lines.append("{i}{i}params: {{ limit: '100' }},")
    if layout == "multi-comment":
        lines.append("{i}{i}// more keys later")
    if layout == "multi-block":
        lines[-1] += " /* the list */"
    return lines + ["{i}}});"]


@st.composite
def nl604(draw) -> list[str]:
    method = draw(st.sampled_from(["log", "info", "warn", "error", "debug"]))
    arg = draw(st.sampled_from(["'starting'", "`page ${{1}}`", "'a' + 'b'"]))
    return [f"{{i}}console.{method}({arg});"]


@st.composite
def nl206(draw) -> list[str]:
    generic = draw(st.sampled_from(["Checkpoint", "z.infer<typeof CheckpointSchema>", "{{ cursor: string }}"]))
    return [f"{{i}}const c{{k}} = await nango.getCheckpoint<{generic}>();"]


NULL_UNIONS = ["z.union([z.null(), z.string()])", "z.union([z.string(), z.null()])",
               "z.union([z.null(), z.number().describe('n')]).optional()", "z.union([Address, z.null()])",
               "z.union([z.array(z.string()), z.null()])"]

COMMENTS = ["", "{i}// a note", "{i}/* a block */", "{i}/**\n{i} * a doc block\n{i} */"]


@st.composite
def sources(draw) -> bytes:
    fragments = draw(st.lists(st.one_of(nl101(), nl102(), nl604(), nl206()), min_size=1, max_size=6))
    unions = draw(st.lists(st.sampled_from(NULL_UNIONS), max_size=3))
    indent = draw(st.sampled_from(["    ", "  ", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.booleans())
    broken = draw(st.sampled_from([None, None, None, "tail", "exec"]))  # an unrelated syntax error somewhere
    body: list[str] = []
    for k, lines in enumerate(fragments):
        comment = draw(st.sampled_from(COMMENTS))
        if comment:
            body.append(comment)
        body += [line.format(i="{i}", k=k) for line in lines]
    if broken == "exec":
        body.append("{i}const broken = (;")
    fields = [f"{{i}}{{i}}f{j}: {u}," for j, u in enumerate(unions)]
    text = "\n".join([
        "import { createSync } from 'nango';",
        "import { z } from 'zod';",
        "",
        "const Address = z.object({ city: z.string() });",
        "const CheckpointSchema = z.object({ cursor: z.string() });",
        "type Checkpoint = z.infer<typeof CheckpointSchema>;",
        "",
        "export default createSync({",
        "{i}description: 'Items',",
        "{i}frequency: 'every hour', // full refresh: a small list",
        "{i}checkpoint: CheckpointSchema,",
        "{i}models: {",
        "{i}{i}Item: z.object({",
        "{i}{i}{i}id: z.string(),",
        *["{i}" + f for f in fields],
        "{i}{i}})",
        "{i}},",
        "{i}exec: async (nango) => {",
        *["{i}" + line for line in "\n".join(body).split("\n")],
        "{i}{i}await nango.batchSave([], 'Item');",
        "{i}}",
        "});",
        *(["const tail = [;"] if broken == "tail" else []),
        "",
    ])
    text = text.replace("{i}", indent).replace("\n", newline)
    return (BOM if bom else b"") + text.encode("utf-8")


def lint(parsed):
    return lint_parsed(PATH, parsed, RULES)


def errors_of(raw: bytes) -> int:
    return syntax_error_count(parse_source(PATH, raw).root)


def newline_kinds(raw: bytes) -> set[str]:
    kinds = set()
    if b"\r\n" in raw:
        kinds.add("crlf")
    if re.search(rb"(?<!\r)\n", raw):
        kinds.add("lf")
    if re.search(rb"\r(?!\n)", raw):
        kinds.add("cr")
    return kinds


# -- properties of the engine ----------------------------------------------------------------------------------------


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources())
def test_fixing_keeps_syntax_endings_and_bom_and_is_idempotent(raw):
    fixed = fix_source(PATH, raw, lint, unsafe=True)
    assert errors_of(fixed.fixed) <= errors_of(raw)
    assert newline_kinds(fixed.fixed) == newline_kinds(raw)
    assert fixed.fixed.startswith(BOM) == raw.startswith(BOM) and fixed.fixed.count(BOM) == raw.count(BOM)
    assert fixed.converged and not fixed.dropped, fixed.dropped
    if errors_of(raw) == 0:  # on a clean file every fragment's finding is fixed; nothing fixable is left
        assert fixed.changed and fixed.applied >= 1
        left = [f.code for f in fixed.findings if f.code in FIXABLE and applicable(f.fix, True)]
        assert left == []
    again = fix_source(PATH, fixed.fixed, lint, unsafe=True)
    assert again.fixed == fixed.fixed and again.applied == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources())
def test_safe_fixes_alone_are_a_subset_that_is_also_idempotent(raw):
    safe = fix_source(PATH, raw, lint, unsafe=False)
    assert errors_of(safe.fixed) <= errors_of(raw)
    assert newline_kinds(safe.fixed) == newline_kinds(raw)
    if errors_of(raw) == 0:  # no safe fix is left; the unsafe ones are untouched
        assert [f.code for f in safe.findings if applicable(f.fix, False)] == []
    assert fix_source(PATH, safe.fixed, lint, unsafe=False).fixed == safe.fixed
    # the unsafe fixes still apply on top, and reach the same file as fixing everything at once
    assert fix_source(PATH, safe.fixed, lint, unsafe=True).fixed == fix_source(PATH, raw, lint, unsafe=True).fixed


# -- properties of the CLI: files on disk ----------------------------------------------------------------------------

MODES = st.sampled_from([0o644, 0o600, 0o640, 0o664, 0o755])


def _write_file(folder: Path, raw: bytes, mode: int) -> Path:
    path = folder / "integrations" / "demo" / "syncs" / "items.ts"
    path.parent.mkdir(parents=True)
    path.write_bytes(raw)
    path.chmod(mode)
    return path


def _temp_files(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".items.ts.")]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources(), MODES)
def test_cli_fix_writes_what_the_engine_computes_and_keeps_the_mode(raw, mode):
    with tempfile.TemporaryDirectory() as tmp:
        path = _write_file(Path(tmp), raw, mode)
        res = CliRunner().invoke(main_command, ["--fix", "--unsafe-fixes", str(path)], catch_exceptions=False)
        assert res.exit_code in (0, 1), res.output
        assert "Traceback" not in res.stderr
        expected = fix_source(str(path), raw, lambda p: lint_parsed(str(path), p, RULES), unsafe=True).fixed
        assert path.read_bytes() == expected
        assert stat.S_IMODE(path.stat().st_mode) == mode
        assert newline_kinds(path.read_bytes()) == newline_kinds(raw)
        assert _temp_files(Path(tmp)) == []


FAILURES = {
    "replace": ("nango_lint.fixes.os.replace", lambda *a, **k: _raise(OSError(28, "No space left on device"))),
    "chmod": ("nango_lint.fixes.os.chmod", lambda *a, **k: _raise(PermissionError(1, "Operation not permitted"))),
    "fsync": ("nango_lint.fixes.os.fsync", lambda *a, **k: _raise(OSError(5, "Input/output error"))),
}


def _raise(exc: Exception):
    raise exc


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources(), MODES, st.sampled_from(sorted(FAILURES)))
def test_an_interrupted_write_leaves_the_original_and_no_temp_file(raw, mode, where):
    target, broken = FAILURES[where]
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        path = _write_file(Path(tmp), raw, mode)
        before = path.stat()
        mp.setattr(target, broken)
        res = CliRunner().invoke(main_command, ["--fix", "--unsafe-fixes", str(path)], catch_exceptions=False)
        mp.undo()
        assert path.read_bytes() == raw  # byte-identical
        assert stat.S_IMODE(path.stat().st_mode) == mode and path.stat().st_ino == before.st_ino
        assert _temp_files(Path(tmp)) == []
        assert res.exit_code == 2
        errors = [line for line in res.stderr.splitlines() if "error" in line]
        assert len(errors) == 1 and errors[0].endswith("; it was left unchanged"), res.stderr
        assert "Traceback" not in res.stderr
