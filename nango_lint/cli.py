"""Command line: ``nango-lint [OPTIONS] PATH...``.

Exit codes: 0 no finding at or above the fail level, 1 findings, 2 usage / configuration / input error or a compiler
that cannot run, 10 the --compile pass reported errors.
"""

from __future__ import annotations

import sys
from typing import TextIO

import click

from nango_lint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMAT_CHOICES = ("concise", "json")


class UsageError(Exception):
    """A problem with what the user asked for: printed as one line, exit 2."""


def _split(values: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


def resolve_rules(select: list[str], ignore: list[str], extend_select: list[str]) -> tuple[frozenset[str], bool]:
    """The enabled rule codes, and whether every rule in the catalog is enabled."""
    from nango_lint.registry import catalog

    cat = catalog()

    def expand(selectors: list[str]) -> set[str]:
        codes: set[str] = set()
        for sel in selectors:
            try:
                codes.update(r.code for r in cat.select(sel))
            except KeyError:
                raise UsageError(f"unknown rule selector {sel!r} (use a code like NL202, a prefix like NL2, or a name)") from None
        return codes

    enabled = expand(select) if select else cat.default_enabled()
    enabled |= expand(extend_select)
    enabled -= expand(ignore)
    return frozenset(enabled), enabled == set(cat.rules)


def _list_rules(out: TextIO) -> None:
    from nango_lint.registry import catalog

    cat = catalog()
    rows = [(r.code, r.name, r.severity_label() + ("" if r.default_enabled else " (off)"), r.fix, r.summary) for r in cat]
    w_name = max(len(r[1]) for r in rows)
    w_sev = max(len(r[2]) for r in rows)
    for code, name, sev, fix, summary in rows:
        mark = {"safe": "[*]", "unsafe": "[!]", "sometimes": "[-]"}.get(fix, "   ")
        out.write(f"{code}  {name:<{w_name}}  {sev:<{w_sev}}  {mark}  {summary}\n")
    out.write(f"\n{len(rows)} rules. [*] safe fix, [!] unsafe fix (--unsafe-fixes). Explain one: nango-lint --explain NL202\n")


def _explain(ident: str, out: TextIO) -> None:
    from nango_lint.registry import catalog

    rule = catalog().get(ident)
    if rule is None:
        raise UsageError(f"unknown rule {ident!r}; see nango-lint --list-rules")
    out.write(rule.explain())


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, file_okay=True, allow_dash=True, path_type=str))
@click.option("-f", "--format", "output_format", type=click.Choice(FORMAT_CHOICES), default=None,
              help="Output format (default: concise).")
@click.option("--select", multiple=True, metavar="RULES", help="Only these rules: codes (NL202), prefixes (NL2), names, or ALL. Comma-separated, repeatable.")
@click.option("--extend-select", multiple=True, metavar="RULES", help="Add rules to the selection (e.g. default-off rules).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules (codes, prefixes or names).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (errors in the run still exit 2).")
@click.option("--stdin-filename", metavar="PATH", help="With PATH '-': the name to report and to choose the grammar by.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: automatic, 1 for small runs).")
@click.option("--list-rules", is_flag=True, help="Print the rule catalog with default severities and exit.")
@click.option("--explain", metavar="RULE", help="Print a rule's documentation (by code or name) and exit.")
@click.option("--compile", "compile_", is_flag=True,
              help="After the lint, compile the functions with the real Nango CLI (NL910 findings; exit 10 on failure).")
@click.option("--compiler", type=click.Choice(["auto", "local", "remote"]), default="auto", show_default=True,
              help="With --compile: remote when a Nango secret key resolves (auto), or force one.")
@click.option("--compile-timeout", type=click.FloatRange(min=1), default=120, show_default=True, metavar="SECONDS",
              help="Time limit of one compile run.")
@click.option("--force", is_flag=True, help="Compile even when the lint found errors.")
@click.version_option(__version__, "--version", prog_name="nango-lint")
def main_command(paths, output_format, select, extend_select, ignore, fail_on, exit_zero, stdin_filename, jobs,
                 list_rules, explain, compile_, compiler, compile_timeout, force) -> None:
    """Lint Nango Functions (createSync / createAction files) for the platform's non-negotiable rules.

    PATH can be files or folders (searched for .ts, .mts, .cts and .tsx files, skipping node_modules, dist, build,
    .nango, hidden folders and git-ignored files). Use '-' to read one file from stdin.
    """
    out = click.get_text_stream("stdout")
    try:
        if list_rules:
            _list_rules(out)
            sys.exit(EXIT_OK)
        if explain:
            _explain(explain, out)
            sys.exit(EXIT_OK)
        if not paths:
            raise UsageError("no paths given (try: nango-lint integrations/ or nango-lint --help)")
        request = None
        if compile_:
            from nango_lint.compile.command import CompileRequest

            request = CompileRequest(compiler, compile_timeout, force)
        code = run(paths, output_format or "concise", _split(select), _split(extend_select), _split(ignore), fail_on,
                   exit_zero, stdin_filename, jobs, out, compile_request=request)
    except UsageError as exc:
        click.echo(f"nango-lint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:  # click would turn it into "Aborted!" and exit 1
        click.echo("nango-lint: interrupted", err=True)
        sys.exit(130)
    sys.exit(code)


def run(paths, output_format, select, extend_select, ignore, fail_on, exit_zero, stdin_filename, jobs, out,
        compile_request=None) -> int:
    from nango_lint.discovery import DiscoveryError, Target, discover
    from nango_lint.findings import Severity
    from nango_lint.report import Report, Summary, reporter
    from nango_lint.runner import lint_bytes, lint_targets
    from nango_lint.settings import Settings

    enabled, all_enabled = resolve_rules(select, ignore, extend_select)
    settings = Settings(enabled=enabled, fail_on=Severity.parse(fail_on), all_rules_enabled=all_enabled)

    results = []
    file_paths = [p for p in paths if p != "-"]
    if "-" in paths:
        name = stdin_filename or "stdin.ts"
        try:
            raw = sys.stdin.buffer.read()
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read stdin: {exc}") from None
        results.append(lint_bytes(name, raw, settings, explicit=True))
    elif stdin_filename:
        raise UsageError("--stdin-filename needs '-' among the paths")
    try:
        targets: list[Target] = discover(file_paths)
    except DiscoveryError as exc:
        raise UsageError(str(exc)) from None
    results.extend(lint_targets(targets, settings, jobs))

    findings = []
    errors = []
    sources = {}
    for r in results:
        if r.error:
            errors.append(r.error)
        findings.extend(r.findings)
        if r.parsed is not None:
            sources[r.path] = r.parsed
    extra, compile_code = {}, None
    if compile_request is not None and not errors:
        from nango_lint.compile.command import compile_pass

        explicit = {t.path for t in targets if t.explicit} | ({results[0].path} if "-" in paths else set())
        step = compile_pass(compile_request, results, findings, explicit)
        findings.extend(step.findings)
        extra.update(step.extra)
        compile_code = step.exit_code
        errors.extend([step.error] if step.error else [])
        if step.note:
            click.echo(f"nango-lint: {step.note}", err=True)
    findings.sort(key=lambda f: f.sort_key())
    report = Report(findings, Summary.of(len(results), findings), sources, extra)
    reporter(output_format)(report, out)
    out.flush()
    for e in errors:
        click.echo(f"nango-lint: error: {e}", err=True)
    if errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_OK
    if compile_code is not None:
        return compile_code
    return EXIT_FINDINGS if any(f.severity >= settings.fail_on for f in findings) else EXIT_OK


def main() -> None:
    try:
        main_command(standalone_mode=True)
    except BrokenPipeError:  # `nango-lint ... | head -1`
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_FINDINGS)
    except KeyboardInterrupt:
        sys.exit(130)
