"""The `nango compile` output parser, on the output shapes recorded from nango 0.71.10 (research/local-compile.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nango_lint.compile.diagnostics import parse, succeeded, to_findings
from nango_lint.compile.errors import CompileToolError
from nango_lint.compile.project import CopiedFile, Project
from nango_lint.compile.runner import CompileOutput
from nango_lint.findings import Severity

SYNC = "\n".join(f"const line{i} = {i};" for i in range(1, 80)).encode()

# Recorded: a type error in a sync (stdout), with the CLI's trailing space and \r\n.
TYPECHECK_STDOUT = (
    "\n"
    "err - active-campaign/syncs/accounts.ts:59:13 \r\n"
    "  Type 'string' is not assignable to type 'number'.\r\n"
    "\n"
    "✗ Typechecking\n"
)
# Recorded: a Babel check (stderr), ./ path and a line only; stdout names the file that failed.
BUILD_STDOUT = (
    "✓ Typechecking\n"
    "  Building 1 file(s) - ./demo/syncs/contacts.js\n"
    "✗ Failed to build ./demo/syncs/contacts.js\n"
    "\n"
)
BUILD_STDERR = (
    "err - ./demo/syncs/contacts.ts:42 \r\n"
    "  nango.batchSave() calls must be awaited in. Not awaiting can lead to unexpected results.\r\n"
    "\n"
)
# Recorded: a definition check (stdout), ./ path and no position.
DEFINITIONS_STDOUT = (
    "✓ Typechecking\n"
    "  Building 1 file(s) - ./demo/syncs/contacts.js\n"
    "  Building 1 file(s)\n"
    "✓ Building 1 file(s)\n"
    "✗ Failed to compile definitions\n"
    "\n"
    "err - ./demo/syncs/contacts.ts \r\n"
    "  createSync > frequency Interval is invalid, check syntax here https://github.com/vercel/ms\r\n"
    "\n"
)
# Recorded: a line-1 type error loses its position (the CLI drops 0-based line 0).
LINE1_STDOUT = "\nerr - demo/syncs/edge.ts \r\n  Cannot find name 'foo'.\r\n\n✗ Typechecking\n"
# Recorded: a multi-line TS message chain, then a second error on a column-1 position (line only).
MULTILINE_STDOUT = (
    "\n"
    "err - demo/syncs/tickets.ts:12:5 \r\n"
    "  Type 'ZodObject<{ cursor: ZodOptional<ZodString>; }, $strip>' is not assignable to type 'ZodCheckpoint'.\n"
    "  Type '{ cursor: ZodOptional<ZodString>; }' is not assignable to type 'Record<string, ZodString>'.\n"
    "    Property 'cursor' is incompatible with index signature.\r\n"
    "\n"
    "err - demo/syncs/tickets.ts:19 \r\n"
    "  Unreachable code detected.\r\n"
    "\n"
    "✗ Typechecking\n"
)
# Recorded: an import-time throw: no `err -` block, a stack trace on stderr.
THROW_STDOUT = (
    "✓ Typechecking\n  Building 1 file(s) - ./demo/syncs/contacts.js\n  Building 1 file(s)\n"
    "✓ Building 1 file(s)\n✗ Generating artifacts\n"
)
THROW_STDERR = (
    "Error: boom at import\n"
    "    at Object.<anonymous> (/tmp/x/build/demo_syncs_contacts.cjs:28:9)\n"
    "    at Module._compile (node:internal/modules/cjs/loader:1521:14)\n"
)
SUCCESS_STDOUT = (
    "✓ Typechecking\n  Building 1 file(s) - ./demo/syncs/contacts.js\n  Building 1 file(s)\n"
    "✓ Building 1 file(s)\n✓ Generating artifacts\n✓ Compiled\n"
)


def project(*rels: str, source: bytes = SYNC) -> Project:
    files = {rel: CopiedFile(f"user/{rel}", source) for rel in rels}
    return Project(Path("/tmp/nango-lint-compile-test"), files, [r for r in rels if "/helpers/" not in r])


def out(rc: int, stdout: str = "", stderr: str = "") -> CompileOutput:
    return CompileOutput(rc, stdout, stderr, 1.0)


def test_type_check_block_on_stdout():
    [d] = parse(TYPECHECK_STDOUT, "stdout")
    assert (d.path, d.line, d.column, d.message, d.stage) == (
        "active-campaign/syncs/accounts.ts", 59, 13, "Type 'string' is not assignable to type 'number'.", "typecheck")
    [f] = to_findings(out(10, TYPECHECK_STDOUT, "Found 1 error\n"), project("active-campaign/syncs/accounts.ts"))
    assert (f.path, f.line, f.column, f.code, f.name, f.severity) == (
        "user/active-campaign/syncs/accounts.ts", 59, 13, "NL910", "remote-compile-error", Severity.ERROR)
    assert f.message == "Type 'string' is not assignable to type 'number'."


def test_build_error_on_stderr_with_dot_slash_path_and_line_only():
    assert parse(BUILD_STDOUT, "stdout") == []
    [d] = parse(BUILD_STDERR, "stderr")
    assert (d.path, d.line, d.column, d.stage) == ("demo/syncs/contacts.ts", 42, None, "build")
    [f] = to_findings(out(10, BUILD_STDOUT, BUILD_STDERR), project("demo/syncs/contacts.ts"))
    assert (f.path, f.line, f.column) == ("user/demo/syncs/contacts.ts", 42, 1)
    assert f.message.startswith("nango.batchSave() calls must be awaited")


def test_definition_error_without_line_maps_to_line_1():
    [d] = parse(DEFINITIONS_STDOUT, "stdout")
    assert (d.path, d.line, d.column, d.stage) == ("demo/syncs/contacts.ts", None, None, "definitions")
    [f] = to_findings(out(10, DEFINITIONS_STDOUT), project("demo/syncs/contacts.ts"))
    assert (f.line, f.column) == (1, 1)
    assert f.message.startswith("createSync > frequency Interval is invalid")


def test_line_1_error_without_position_maps_to_line_1():
    [f] = to_findings(out(10, LINE1_STDOUT, "Found 1 error\n"), project("demo/syncs/edge.ts"))
    assert (f.path, f.line, f.column, f.message) == ("user/demo/syncs/edge.ts", 1, 1, "Cannot find name 'foo'.")


def test_multi_line_messages_keep_their_indentation_and_blocks_stay_apart():
    first, second = parse(MULTILINE_STDOUT, "stdout")
    assert first.message.split("\n") == [
        "Type 'ZodObject<{ cursor: ZodOptional<ZodString>; }, $strip>' is not assignable to type 'ZodCheckpoint'.",
        "  Type '{ cursor: ZodOptional<ZodString>; }' is not assignable to type 'Record<string, ZodString>'.",
        "    Property 'cursor' is incompatible with index signature.",
    ]
    assert (second.line, second.column, second.message) == (19, None, "Unreachable code detected.")
    findings = to_findings(out(10, MULTILINE_STDOUT, "Found 2 errors\n"), project("demo/syncs/tickets.ts"))
    assert [(f.line, f.column) for f in findings] == [(12, 5), (19, 1)]


def test_streams_are_parsed_separately_and_each_diagnostic_finds_its_file():
    stdout = (
        "\nerr - a/syncs/one.ts:3:7 \r\n  First.\r\n\n"
        "err - a/helpers/util.ts:2:1 \r\n  In the helper.\r\n\n✗ Typechecking\n"
    )
    proj = project("a/syncs/one.ts", "a/syncs/two.ts", "a/helpers/util.ts")
    findings = to_findings(out(10, stdout, "Found 2 errors\n"), proj)
    assert [(f.path, f.line, f.column) for f in findings] == [("user/a/syncs/one.ts", 3, 7), ("user/a/helpers/util.ts", 2, 1)]


def test_a_js_path_maps_to_the_ts_file():
    stderr = "err - ./demo/syncs/contacts.js:5 \r\n  Named export 'x' is not allowed.\r\n"
    [f] = to_findings(out(10, "", stderr), project("demo/syncs/contacts.ts"))
    assert (f.path, f.line) == ("user/demo/syncs/contacts.ts", 5)


def test_typescript_utf16_columns_become_character_columns():
    source = "const a = 1;\nconst s = '\U0001F600'; const n: number = s;\n".encode()
    stdout = "\nerr - demo/syncs/emoji.ts:2:23 \r\n  Type 'string' is not assignable to type 'number'.\r\n\n"
    [f] = to_findings(out(10, stdout), project("demo/syncs/emoji.ts", source=source))
    assert (f.line, f.column) == (2, 22)  # the emoji is two UTF-16 units but one character
    assert source[f.start_byte:].startswith(b"n: number")


def test_exit_10_without_a_block_is_one_file_level_finding_with_the_first_lines():
    proj = project("demo/syncs/other.ts", "demo/syncs/contacts.ts")
    [f] = to_findings(out(10, THROW_STDOUT, THROW_STDERR), proj)
    assert (f.path, f.line, f.column) == ("user/demo/syncs/contacts.ts", 1, 1)  # named by its build file
    assert f.message == "nango compile failed (Generating artifacts): Error: boom at import"


def test_exit_10_without_any_output_still_reports_the_failure():
    [f] = to_findings(out(10, "", ""), project("demo/syncs/contacts.ts"))
    assert f.message == "nango compile failed" and f.line == 1


def test_success_needs_the_compiled_mark():
    assert to_findings(out(0, SUCCESS_STDOUT), project("demo/syncs/contacts.ts")) == []
    assert succeeded(out(0, SUCCESS_STDOUT))
    # Exit 0 without compiling: what the upgrade prompt does with stdin closed.
    prompt = "A new version of nango is available: 0.71.11\nWould you like to upgrade? (yes/no)\n"
    with pytest.raises(CompileToolError, match=r"exited 0 without compiling \(A new version of nango is available"):
        to_findings(out(0, prompt), project("demo/syncs/contacts.ts"))


@pytest.mark.parametrize("rc", [1, 12, 137])
def test_other_exit_codes_are_tool_failures(rc):
    with pytest.raises(CompileToolError, match=f"exited with code {rc} \\(Not inside a Nango folder\\)"):
        to_findings(out(rc, "Not inside a Nango folder\n"), project("demo/syncs/contacts.ts"))
