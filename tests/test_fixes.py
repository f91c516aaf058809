"""The fix engine and --fix / --unsafe-fixes / --diff: atomic writes, file properties kept, fixpoint, re-parse guard."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess

import pytest
from click.testing import CliRunner

from nango_lint.cli import main_command
from nango_lint.findings import Edit, Finding, Fix, Severity
from nango_lint.fixes import (
    MAX_PASSES,
    apply_edits,
    dominant_newline,
    fix_source,
    fixable_hint,
    unified_diff,
    write_atomic,
)

SYNC = """\
import { createSync } from 'nango';
import { z } from 'zod';

export default createSync({
    description: 'Bases',
    frequency: 'every day', // full refresh: small dataset
    models: { Base: z.object({ id: z.string() }) },
    exec: async (nango) => {
        // https://airtable.com/developers/web/api/list-bases
        const res = await nango.get({ endpoint: '/v0/meta/bases', retries: 10 });
        // https://airtable.com/developers/web/api/list-tables
        const tables = await nango.get({
            endpoint: '/v0/meta/tables'
        });
        await nango.batchSave([...res.data.bases, ...tables.data.tables], 'Base');
    }
});
"""
FIXED = SYNC.replace("retries: 10 }", "retries: 3 }").replace(
    "endpoint: '/v0/meta/tables'\n", "endpoint: '/v0/meta/tables',\n            retries: 3\n"
)
CLEAN = FIXED


def _cli(*args, input=None):
    return CliRunner().invoke(main_command, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def sync_file(tmp_path):
    path = tmp_path / "integrations" / "airtable" / "syncs" / "bases.ts"
    path.parent.mkdir(parents=True)
    path.write_bytes(SYNC.encode())
    return path


def _leftovers(folder) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# -- the CLI ---------------------------------------------------------------------------------------------------------


def test_fix_applies_unsafe_fixes_only_when_asked(sync_file):
    res = _cli("--fix", str(sync_file))
    assert sync_file.read_text() == SYNC  # NL101/NL102 fixes are unsafe: --fix alone does not apply them
    assert "2 fixable with --fix --unsafe-fixes." in res.stdout
    res = _cli("--fix", "--unsafe-fixes", str(sync_file))
    assert sync_file.read_text() == FIXED
    assert "Fixed 2 findings in 1 file." in res.stderr
    assert "NL101" not in res.stdout and "NL102" not in res.stdout  # what is reported is what remains
    assert res.exit_code == 0


def test_second_fix_run_changes_nothing(sync_file):
    _cli("--fix", "--unsafe-fixes", str(sync_file))
    first = sync_file.read_bytes()
    mtime = sync_file.stat().st_mtime_ns
    res = _cli("--fix", "--unsafe-fixes", str(sync_file))
    assert sync_file.read_bytes() == first
    assert sync_file.stat().st_mtime_ns == mtime  # not even rewritten
    assert "Fixed" not in res.stderr
    res = _cli("--diff", "--unsafe-fixes", str(sync_file))
    assert res.stdout == "" and res.exit_code == 0


def test_fix_keeps_mode(sync_file):
    for mode in (0o640, 0o755):
        sync_file.write_bytes(SYNC.encode())
        sync_file.chmod(mode)
        _cli("--fix", "--unsafe-fixes", str(sync_file))
        assert sync_file.read_text() == FIXED
        assert stat.S_IMODE(sync_file.stat().st_mode) == mode


def test_fix_keeps_crlf(sync_file):
    sync_file.write_bytes(SYNC.replace("\n", "\r\n").encode())
    _cli("--fix", "--unsafe-fixes", str(sync_file))
    data = sync_file.read_bytes()
    assert data == FIXED.replace("\n", "\r\n").encode()
    assert re.search(rb"(?<!\r)\n", data) is None  # no bare LF was introduced


def test_fix_keeps_bom(sync_file):
    sync_file.write_bytes(b"\xef\xbb\xbf" + SYNC.encode())
    res = _cli("--fix", "--unsafe-fixes", str(sync_file))
    assert sync_file.read_bytes() == b"\xef\xbb\xbf" + FIXED.encode()
    assert res.exit_code == 0


def test_fix_through_a_symlink_replaces_the_target(sync_file, tmp_path):
    link = tmp_path / "link.ts"
    link.symlink_to(sync_file)
    _cli("--fix", "--unsafe-fixes", str(link))
    assert link.is_symlink()
    assert sync_file.read_text() == FIXED


def test_failed_write_leaves_the_original_and_no_temp_file(sync_file, monkeypatch):
    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("nango_lint.fixes.os.replace", refuse)
    res = _cli("--fix", "--unsafe-fixes", str(sync_file))
    assert sync_file.read_bytes() == SYNC.encode()
    assert _leftovers(sync_file.parent) == []
    assert res.exit_code == 2
    errors = [line for line in res.stderr.splitlines() if "error" in line]
    assert errors == [f"nango-lint: error: {sync_file}: cannot write the fixed file (Permission denied); it was left unchanged"]
    assert "NL101" in res.stdout  # the findings of the unchanged file are still reported


def test_read_only_file_is_not_replaced(sync_file, monkeypatch):
    real_access = os.access
    monkeypatch.setattr("nango_lint.fixes.os.access", lambda p, m: False if m == os.W_OK else real_access(p, m))
    res = _cli("--fix", "--unsafe-fixes", str(sync_file))
    assert sync_file.read_bytes() == SYNC.encode()
    assert res.exit_code == 2 and "Permission denied" in res.stderr
    assert _leftovers(sync_file.parent) == []


def test_write_atomic_cleans_up_when_the_write_itself_fails(tmp_path, monkeypatch):
    target = tmp_path / "a.ts"
    target.write_bytes(b"old")

    def broken_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("nango_lint.fixes.os.fsync", broken_fsync)
    with pytest.raises(Exception, match="Input/output error"):
        write_atomic(str(target), b"new")
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_diff_prints_the_patch_and_writes_nothing(sync_file, tmp_path):
    res = _cli("--diff", "--unsafe-fixes", str(sync_file))
    assert res.exit_code == 1
    assert sync_file.read_text() == SYNC
    out = res.stdout
    assert out.startswith(f"--- {sync_file}\n+++ {sync_file}\n@@ ")
    assert "-        const res = await nango.get({ endpoint: '/v0/meta/bases', retries: 10 });\n" in out
    assert "+        const res = await nango.get({ endpoint: '/v0/meta/bases', retries: 3 });\n" in out
    assert "+            retries: 3\n" in out
    assert "Would fix 2 findings in 1 file." in res.stderr
    if shutil.which("patch"):  # the patch really turns the file into the fixed one
        copy = tmp_path / "copy.ts"
        copy.write_text(SYNC)
        subprocess.run(["patch", "-s", str(copy)], input=out.encode(), check=True)
        assert copy.read_text() == FIXED
    # without --unsafe-fixes there is nothing safe to apply
    res = _cli("--diff", str(sync_file))
    assert res.stdout == "" and res.exit_code == 0
    assert "No fixes available." in res.stderr


def test_fix_several_files(tmp_path):
    folder = tmp_path / "integrations" / "airtable" / "syncs"
    folder.mkdir(parents=True)
    a, b, clean = folder / "a.ts", folder / "b.ts", folder / "clean.ts"
    a.write_text(SYNC)
    b.write_text(SYNC.replace("retries: 10", "retries: 8"))
    clean.write_text(CLEAN)
    clean_mtime = clean.stat().st_mtime_ns
    res = _cli("--fix", "--unsafe-fixes", str(tmp_path))
    assert a.read_text() == FIXED and b.read_text() == FIXED
    assert clean.stat().st_mtime_ns == clean_mtime
    assert "Fixed 4 findings in 2 files." in res.stderr
    assert res.exit_code == 0
    assert _leftovers(folder) == []


def test_stdin_fix_prints_the_fixed_source(tmp_path):
    res = _cli("--fix", "--unsafe-fixes", "--stdin-filename", "integrations/x/syncs/bases.ts", "-", input=SYNC.encode())
    assert res.stdout == FIXED
    assert "All checks passed" in res.stderr and res.exit_code == 0
    # nothing to fix: the source comes back unchanged
    res = _cli("--fix", "--stdin-filename", "integrations/x/syncs/bases.ts", "-", input=SYNC.encode())
    assert res.stdout == SYNC
    assert "NL101" in res.stderr and res.exit_code == 1


def test_stdin_diff():
    res = _cli("--diff", "--unsafe-fixes", "--stdin-filename", "integrations/x/syncs/bases.ts", "-", input=SYNC.encode())
    assert res.stdout.startswith("--- integrations/x/syncs/bases.ts\n+++ integrations/x/syncs/bases.ts\n")
    assert res.exit_code == 1


def test_concise_marks_fixable_findings(sync_file):
    res = _cli(str(sync_file))
    assert "[*]" not in res.stdout  # unsafe fixes are not offered without --unsafe-fixes
    assert res.stdout.rstrip().endswith("2 fixable with --fix --unsafe-fixes.")
    res = _cli("--unsafe-fixes", str(sync_file))
    assert sync_file.read_text() == SYNC  # --unsafe-fixes alone only shows them
    lines = [line for line in res.stdout.splitlines() if ": NL1" in line]
    assert lines and all(re.search(r": NL10[12] (error|warning) \[\*\] ", line) for line in lines)


def test_fixable_hint_counts():
    def finding(applicability):
        fix = Fix((Edit(0, 0, "x"),), applicability) if applicability else None
        return Finding("a.ts", 1, 1, 1, 1, "NL999", "x", Severity.ERROR, "m", fix=fix)

    mixed = [finding("safe"), finding("safe"), finding("unsafe"), finding(None)]
    assert fixable_hint(mixed, unsafe=False) == "2 fixable with --fix (1 more with --unsafe-fixes)."
    assert fixable_hint(mixed, unsafe=True) == "3 fixable with --fix --unsafe-fixes."
    assert fixable_hint([finding("safe")], unsafe=False) == "1 fixable with --fix."
    assert fixable_hint([finding(None)], unsafe=False) is None


def test_reparse_guard_in_the_cli(sync_file, monkeypatch):
    """A rule whose fix would break the file: the fix is dropped and reported, the file is left as it was."""

    def broken_fix(ctx, obj, member_text, message):
        return Fix((Edit(obj.end_byte - 1, obj.end_byte, ""),), "unsafe", message)  # deletes the `}`

    monkeypatch.setattr("nango_lint.checkers.calls._insert_key_fix", broken_fix)
    res = _cli("--fix", "--unsafe-fixes", "--select", "NL102", str(sync_file))
    assert sync_file.read_text() == SYNC
    assert f"nango-lint: fix for NL102 at {sync_file}:12:36 dropped: it would break the syntax" in res.stderr.splitlines()
    assert "NL102 warning `nango.get()`" in res.stdout  # still reported, without the [*] of a working fix
    assert "[*]" not in res.stdout


# -- the engine ------------------------------------------------------------------------------------------------------


def _regex_linter(*rules):
    """A linter from ``(code, pattern, replacement)`` rules: one finding per match, its fix the replacement."""

    def lint(parsed):
        text = parsed.source.decode()
        out = []
        for code, pattern, repl in rules:
            for m in re.finditer(pattern, text):
                fix = Fix((Edit(m.start(), m.end(), m.expand(repl)),), "safe")
                (line, col), (end_line, end_col) = parsed.lines.position(m.start()), parsed.lines.position(m.end())
                out.append(Finding(parsed.path, line, col, end_line, end_col, code, code, Severity.ERROR, code,
                                   m.start(), m.end(), fix))
        return out

    return lint


def test_overlapping_fixes_are_applied_in_later_passes():
    lint = _regex_linter(("NL001", r"\blet\b", "const"), ("NL002", r"(let|const) x = 1;", r"\1 x = 2;"))
    fixed = fix_source("a.ts", b"let x = 1;\nlet y = 1;\n", lint)
    assert fixed.fixed == b"const x = 2;\nconst y = 1;\n"
    assert fixed.applied == 3 and fixed.converged and not fixed.dropped


def test_reparse_guard_drops_only_the_bad_fix():
    lint = _regex_linter(("NL001", r"\blet\b", "const"), ("NL002", r"\)\s*\{", ") {{"))
    source = b"let a = 1;\nfunction f() {\n    return a;\n}\n"
    fixed = fix_source("a.ts", source, lint)
    assert fixed.fixed == b"const a = 1;\nfunction f() {\n    return a;\n}\n"
    assert fixed.dropped == ["nango-lint: fix for NL002 at a.ts:2:12 dropped: it would break the syntax"]
    assert [f.code for f in fixed.findings] == ["NL002"] and fixed.findings[0].fix is None


def test_reparse_guard_allows_a_file_that_already_had_errors():
    lint = _regex_linter(("NL001", r"\blet\b", "const"))
    source = b"let a = ;\nlet b = 2;\n"
    fixed = fix_source("a.ts", source, lint)
    assert fixed.fixed == b"const a = ;\nconst b = 2;\n" and not fixed.dropped


def test_invalid_edits_are_dropped():
    def lint(parsed):
        fix = Fix((Edit(0, 5, "x"), Edit(3, 8, "y")), "safe")
        return [Finding(parsed.path, 1, 1, 1, 1, "NL001", "n", Severity.ERROR, "m", 0, 1, fix)]

    fixed = fix_source("a.ts", b"const a = 1;\n", lint)
    assert fixed.fixed == b"const a = 1;\n"
    assert fixed.dropped == ["nango-lint: fix for NL001 at a.ts:1:1 dropped: its edits overlap or fall outside the file"]


def test_a_fix_that_never_converges_stops_after_max_passes():
    lint = _regex_linter(("NL001", r"$", ";"))  # always one more `;` at the very end
    fixed = fix_source("a.ts", b"const a = 1", lint)
    assert not fixed.converged
    assert fixed.fixed == b"const a = 1" + b";" * MAX_PASSES


def test_a_chain_of_exactly_max_passes_converges():
    lint = _regex_linter(("NL001", r"a(?=;)", "b;a"))  # each pass adds one `;`, until there are MAX_PASSES + 1

    def bounded(parsed):
        return lint(parsed) if parsed.source.count(b";") <= MAX_PASSES else []

    fixed = fix_source("a.ts", b"a;", bounded)
    assert fixed.converged and fixed.applied == MAX_PASSES
    assert fixed.fixed.count(b";") == MAX_PASSES + 1


def test_inserted_text_uses_the_file_newline():
    assert dominant_newline(b"a\r\nb\r\nc\n") == b"\r\n"
    assert dominant_newline(b"a\nb\n") == b"\n"
    assert dominant_newline(b"a") == b"\n"
    assert dominant_newline(b"a\rb\r") == b"\r"
    assert apply_edits(b"a\r\nb\r\n", [Edit(3, 3, "x\ny\n")], b"\r\n") == b"a\r\nx\r\ny\r\nb\r\n"


def test_unified_diff_marks_a_missing_final_newline():
    diff = unified_diff("a.ts", b"let a = 1;", b"const a = 1;")
    assert diff == "--- a.ts\n+++ a.ts\n@@ -1 +1 @@\n-let a = 1;\n\\ No newline at end of file\n+const a = 1;\n\\ No newline at end of file\n"
    assert unified_diff("a.ts", b"same", b"same") == ""


# -- NL102's insertion in every object layout ------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

MEMBERS = ("endpoint: '/v1/items'", "params: { limit: '100' }", "headers: { 'X-Api': '1' }", "baseUrlOverride: BASE")
TAILS = ("", " // page size", " /* note */")


@st.composite
def configs(draw):
    members = draw(st.lists(st.sampled_from(MEMBERS[1:]), max_size=2, unique=True))
    members = [MEMBERS[0]] + members
    multiline = draw(st.booleans())
    trailing_comma = draw(st.booleans())
    tail = draw(st.sampled_from(TAILS)) if multiline else draw(st.sampled_from(("", " /* note */")))
    own_line_comment = multiline and draw(st.booleans())
    indent = draw(st.sampled_from(("  ", "    ", "\t")))
    if multiline:
        inner = indent * 3
        body = (",\n" + inner).join(members) + ("," if trailing_comma else "") + tail
        if own_line_comment:
            body += "\n" + inner + "// more keys later"
        obj = "{\n" + inner + body + "\n" + indent * 2 + "}"
    else:
        obj = "{ " + ", ".join(members) + ("," if trailing_comma else "") + tail + " }"
    newline = draw(st.sampled_from(("\n", "\r\n")))
    return obj, indent, newline


@settings(max_examples=150, deadline=None)
@given(configs())
def test_nl102_insertion_keeps_the_file_valid_in_any_layout(case):
    from nango_lint.engine import lint_parsed
    from nango_lint.fixes import syntax_error_count
    from tests.helpers import settings_for

    obj, indent, newline = case
    source = (
        "import { createSync } from 'nango';\n"
        "import { z } from 'zod';\n\nconst BASE = 'https://api.example.com';\n\n"
        "export default createSync({\n"
        f"{indent}description: 'Items',\n{indent}frequency: 'every hour',\n"
        f"{indent}models: {{ Item: z.object({{ id: z.string() }}) }},\n"
        f"{indent}exec: async (nango) => {{\n"
        f"{indent * 2}// https://developers.example.com/reference/list-items\n"
        f"{indent * 2}const res = await nango.get({obj});\n"
        f"{indent * 2}await nango.batchSave(res.data.items, 'Item');\n"
        f"{indent}}}\n}});\n"
    ).replace("\n", newline).encode()
    path = "integrations/example/syncs/items.ts"
    rules = settings_for("NL102")

    def lint(parsed):
        return lint_parsed(path, parsed, rules)

    fixed = fix_source(path, source, lint, unsafe=True)
    assert fixed.applied == 1 and not fixed.dropped and not fixed.findings
    assert syntax_error_count(fixed.parsed.root) == 0
    assert fixed.fixed.count(b"retries: 3") == 1
    if newline == "\r\n":
        assert re.search(rb"(?<!\r)\n", fixed.fixed) is None
    # nothing but the insertion changed: without it, commas and whitespace, both versions are the same
    def norm(data: bytes) -> bytes:
        return re.sub(rb"[\s,]", b"", data.replace(b"retries: 3", b""))

    assert norm(fixed.fixed) == norm(source)
    again = fix_source(path, fixed.fixed, lint, unsafe=True)
    assert again.fixed == fixed.fixed and again.applied == 0
    assert b"// more keys later" not in source or fixed.fixed.index(b"// more keys later") < fixed.fixed.index(b"retries")
