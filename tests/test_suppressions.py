"""Inline suppression directives (nango_lint/suppressions.py) and --add-suppressions / --no-suppressions."""

from __future__ import annotations

import textwrap
from dataclasses import replace

from click.testing import CliRunner

from nango_lint.cli import main_command
from nango_lint.engine import lint_source
from tests.helpers import settings_for


def sync(body: str) -> str:
    """A sync whose exec body is ``body`` (indented 8 spaces)."""
    body = textwrap.indent(textwrap.dedent(body).strip("\n"), " " * 8)
    return (
        "import { createSync } from 'nango';\nimport { z } from 'zod';\n\nexport default createSync({\n"
        "    description: 'Contacts',\n    frequency: 'every hour', // full refresh: small dataset\n"
        "    models: { Contact: z.object({ id: z.string() }) },\n    exec: async (nango) => {\n"
        f"{body}\n        await nango.batchSave([], 'Contact');\n    }}\n}});\n"
    )


def lint(code: str, *codes: str, **kw):
    settings = settings_for(*codes)
    if kw:
        settings = replace(settings, **kw)
    return lint_source("demo/syncs/contacts.ts", code.encode(), settings).findings


def pairs(findings):
    return sorted((f.code, f.line) for f in findings)


def line_of(code: str, needle: str) -> int:
    return next(i for i, ln in enumerate(code.splitlines(), 1) if needle in ln)


UNDOCUMENTED = "const r = await nango.get({ endpoint: '/x', retries: 3 });"


def test_unsuppressed_baseline_finding():
    code = sync(UNDOCUMENTED)
    assert pairs(lint(code)) == [("NL104", line_of(code, "endpoint"))]


def test_disable_next_line_by_code_and_by_name_with_reason():
    for ident in ("NL104", "missing-api-doc-link", "nl104"):
        code = sync(f"// nango-lint-disable-next-line {ident} -- internal endpoint\n{UNDOCUMENTED}")
        assert lint(code) == [], ident


def test_disable_next_line_only_covers_its_rules():
    code = sync("// nango-lint-disable-next-line NL101 -- wrong rule\n" + UNDOCUMENTED)
    got = pairs(lint(code))
    assert ("NL104", line_of(code, "endpoint")) in got
    assert ("NL901", line_of(code, "disable-next-line")) in got  # NL101 ran and found nothing there


def test_disable_next_line_skips_comment_lines_such_as_doc_links():
    code = sync("// nango-lint-disable-next-line NL101 -- vendor requires it\n"
                "// https://developers.example.com/contacts\n"
                "const r = await nango.get({ endpoint: '/x', retries: 9 });")
    assert lint(code) == []


def test_disable_next_line_covers_a_wrapped_statement():
    code = sync("""
        // https://developers.example.com/contacts
        // nango-lint-disable-next-line NL101 -- vendor requires it
        const r = await nango.get({
            endpoint: '/x',
            retries: 9,
        });
    """)
    assert lint(code) == []


def test_disable_next_line_does_not_cover_a_block_below():
    code = sync("""
        // nango-lint-disable-next-line NL104
        if (Math.random() > 0.5) {
            const r = await nango.get({ endpoint: '/x', retries: 3 });
        }
    """)
    got = pairs(lint(code))
    assert ("NL104", line_of(code, "endpoint")) in got
    assert ("NL901", line_of(code, "disable-next-line")) in got


def test_disable_line_trailing():
    code = sync(UNDOCUMENTED + " // nango-lint-disable-line NL104 -- internal")
    assert lint(code) == []


def test_trailing_disable_line_after_a_prettier_wrapped_call_covers_the_statement():
    code = sync("""
        // https://developers.example.com/contacts
        const r = await nango.get({
            endpoint: '/x',
            retries: 9,
        }); // nango-lint-disable-line NL101 -- vendor requires it
    """)
    assert lint(code) == []


def test_disable_line_on_its_own_line_covers_nothing():
    code = sync("// nango-lint-disable-line NL104\n" + UNDOCUMENTED)
    assert ("NL104", line_of(code, "endpoint")) in pairs(lint(code))


def test_range_and_reenable():
    code = sync(f"""
        /* nango-lint-disable NL104 -- legacy block */
        {UNDOCUMENTED}
        /* nango-lint-enable NL104 */
        const s = await nango.get({{ endpoint: '/y', retries: 3 }});
    """)
    assert pairs(lint(code)) == [("NL104", line_of(code, "'/y'"))]


def test_range_with_line_comments_and_multiline_block_ids():
    code = sync(f"""
        /*
         * nango-lint-disable NL104,
         *   retries-above-limit -- legacy block
         */
        const r = await nango.get({{ endpoint: '/x', retries: 9 }});
        // nango-lint-enable NL104, NL101
    """)
    assert lint(code) == []


def test_unterminated_range_still_suppresses_but_fails():
    code = sync(f"/* nango-lint-disable NL104 */\n{UNDOCUMENTED}")
    assert pairs(lint(code)) == [("NL903", line_of(code, "nango-lint-disable"))]


def test_disable_file_anywhere():
    code = sync(UNDOCUMENTED + "\nconst s = await nango.get({ endpoint: '/y', retries: 3 });")
    code = code + "// nango-lint-disable-file NL104 -- generated\n"
    assert lint(code) == []


def test_directives_in_strings_and_templates_do_not_count():
    code = sync(
        "const a = 'nango-lint-disable-next-line NL104';\n"
        "const b = `\n// nango-lint-disable-next-line NL104\n`;\n"
        "const c = `/* nango-lint-disable-file NL104 */`;\n" + UNDOCUMENTED
    )
    assert pairs(lint(code)) == [("NL104", line_of(code, "endpoint: '/x'"))]


def test_blanket_and_unknown_rules_are_invalid():
    code = sync("// nango-lint-disable-next-line\n" + UNDOCUMENTED)
    assert pairs(lint(code)) == [("NL104", line_of(code, "endpoint")), ("NL902", line_of(code, "disable"))]
    code = sync("// nango-lint-disable-next-line NL104, no-such-rule -- why\n" + UNDOCUMENTED)
    findings = lint(code)
    assert pairs(findings) == [("NL902", line_of(code, "disable"))]
    assert "no-such-rule" in findings[0].message


def test_unused_is_judged_only_for_rules_that_ran():
    code = sync("// https://developers.example.com/contacts\n"
                "// nango-lint-disable-next-line NL104\n" + UNDOCUMENTED)
    assert pairs(lint(code, "NL101", "NL901")) == []  # NL104 did not run: not judged
    assert pairs(lint(code, "NL104", "NL901")) == [("NL901", line_of(code, "disable"))]
    assert pairs(lint(code)) == [("NL901", line_of(code, "disable"))]


def test_unused_is_not_judged_in_a_file_with_syntax_errors():
    code = sync("// https://developers.example.com/contacts\n// nango-lint-disable-next-line NL104\n"
                + UNDOCUMENTED + "\nconst broken = ;")
    assert "NL901" not in {f.code for f in lint(code)}


def test_meta_findings_cannot_be_suppressed_by_their_own_directive():
    code = sync("// nango-lint-disable-next-line NL902, NL777\n" + UNDOCUMENTED)
    assert ("NL902", line_of(code, "disable")) in pairs(lint(code))
    # ... but another directive can suppress them
    code2 = "// nango-lint-disable-file NL902 -- migrating\n" + code
    assert "NL902" not in {f.code for f in lint(code2)}


def test_no_suppressions_ignores_every_directive():
    code = sync("// nango-lint-disable-next-line NL104\n" + UNDOCUMENTED + "\n// nango-lint-disable-line\n")
    got = pairs(lint(code, no_suppressions=True))
    assert got == [("NL104", line_of(code, "endpoint"))]


def test_severity_override_applies_to_meta_rules():
    from nango_lint.findings import Severity

    code = sync("// nango-lint-disable-next-line\n" + UNDOCUMENTED)
    findings = lint(code, severity_overrides={"NL902": Severity.WARNING})
    assert [f.severity for f in findings if f.code == "NL902"] == [Severity.WARNING]


# ------------------------------------------------------------------------------------------------ CLI
def run_cli(args):
    return CliRunner().invoke(main_command, args, catch_exceptions=False)


WRAPPED = """
const r = await nango.get({
    endpoint: '/x',
    retries: 9,
});
const note = `
${await nango.get({ endpoint: '/t', retries: 3 })}
`;
"""


def test_no_suppressions_flag(tmp_path):
    f = tmp_path / "syncs" / "contacts.ts"
    f.parent.mkdir()
    f.write_text(sync("// nango-lint-disable-next-line NL104\n" + UNDOCUMENTED))
    assert run_cli([str(f)]).exit_code == 0
    res = run_cli([str(f), "--no-suppressions"])
    assert res.exit_code == 1 and "NL104" in res.output


def test_add_suppressions_then_rerun_is_clean(tmp_path):
    f = tmp_path / "syncs" / "contacts.ts"
    f.parent.mkdir()
    source = sync(UNDOCUMENTED + "\n" + WRAPPED)
    f.write_text(source)
    before = run_cli([str(f), "--format", "json"])
    assert before.exit_code == 1
    res = CliRunner().invoke(main_command, ["--add-suppressions=legacy, see #12", str(f)])
    assert res.exit_code == 0, res.output
    text = f.read_text()
    lines = text.splitlines()
    # one comment per flagged line, merged codes, indented like the line, with the reason
    i = line_of(text, "endpoint: '/x', retries: 3")
    assert lines[i - 2] == "        // nango-lint-disable-next-line NL104 -- legacy, see #12"
    j = line_of(text, "retries: 9")
    assert lines[j - 2] == "            // nango-lint-disable-next-line NL101 -- legacy, see #12"
    # the call inside the template literal starts on a line inside the template: skipped with a note
    assert "inside a template literal" in res.output
    assert text.count("nango-lint-disable-next-line") == 3
    after = run_cli([str(f)])
    got = {ln.split(": ")[1].split()[0] for ln in after.output.splitlines() if ": NL" in ln}
    assert got == {"NL104"}, after.output  # only the call inside the template literal is left
    assert "NL901" not in after.output


def test_add_suppressions_keeps_crlf_and_bom(tmp_path):
    f = tmp_path / "syncs" / "contacts.ts"
    f.parent.mkdir()
    source = sync(UNDOCUMENTED).replace("\n", "\r\n")
    f.write_bytes(b"\xef\xbb\xbf" + source.encode())
    res = CliRunner().invoke(main_command, ["--add-suppressions", str(f)])
    assert res.exit_code == 0 and "Added 1 suppression comment in 1 file" in res.output
    data = f.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"        // nango-lint-disable-next-line NL104\r\n        const r" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert run_cli([str(f)]).exit_code == 0


def test_add_suppressions_refuses_stdin():
    res = CliRunner().invoke(main_command, ["--add-suppressions", "-"], input=sync(UNDOCUMENTED))
    assert res.exit_code == 2 and "stdin" in res.output


def test_insertion_points_that_are_not_code_are_refused():
    from nango_lint.add_suppressions import unsafe_context
    from nango_lint.parsing import parse_source

    src = (b"#!/usr/bin/env node\nconst el = (\n  <div>\n    hello\n    {nango.get({\n      retries: 9 })}\n"
           b"  </div>\n);\nconst s = 'a\\\nb';\n/* a\nb */\n")
    parsed = parse_source("a.tsx", src)
    got = [unsafe_context(parsed.root, start) for start in parsed.lines.starts[:12]]
    assert got == ["a #! line", None, None, "JSX text", "JSX text", None, "JSX children", None,
                   None, "a string", None, "a comment"]
