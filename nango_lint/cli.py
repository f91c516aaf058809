"""Command line: ``nango-lint [OPTIONS] PATH...``.

Exit codes: 0 no finding at or above the fail level, 1 findings, 2 usage / configuration / input error or a compiler
that cannot run, 10 the --compile pass reported errors.
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
from typing import TextIO

import click

from nango_lint import __version__, adoption
from nango_lint.errors import UserError
from nango_lint.remote.options import remote_options
from nango_lint.report import FORMATS

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMAT_CHOICES = tuple(FORMATS)


class UsageError(Exception):
    """A problem with what the user asked for: printed as one line, exit 2."""


def _split(values: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


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


@click.command(cls=adoption.Command, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, file_okay=True, allow_dash=True, path_type=str))
@click.option("-f", "--format", "output_format", type=click.Choice(FORMAT_CHOICES), default=None,
              help="Output format (default: concise; github inside GitHub Actions when stdout is not a terminal).")
@click.option("--output", "outputs", multiple=True, metavar="FORMAT:PATH",
              help="Also write a report in FORMAT to PATH (atomically), e.g. sarif:nango-lint.sarif. Repeatable.")
@click.option("--select", multiple=True, metavar="RULES", help="Only these rules: codes (NL202), prefixes (NL2), names, or ALL. Comma-separated, repeatable.")
@click.option("--extend-select", multiple=True, metavar="RULES", help="Add rules to the selection (e.g. default-off rules).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules (codes, prefixes or names).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="Lowest severity that makes the exit code 1 (default: error, or the config's fail-on).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (errors in the run still exit 2).")
@click.option("--stdin-filename", metavar="PATH", help="With PATH '-': the name to report and to choose the grammar by.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: automatic, 1 for small runs).")
@click.option("--fix", is_flag=True, help="Apply safe fixes to the files (atomic writes), then report what remains. With '-': print the fixed source to stdout.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply unsafe fixes (with --fix or --diff); alone, show them as available.")
@click.option("--diff", is_flag=True, help="Print a unified diff of the fixes instead of writing them; exit 1 if a file would change.")
@click.option("--list-rules", is_flag=True, help="Print the rule catalog with default severities and exit.")
@click.option("--explain", metavar="RULE", help="Print a rule's documentation (by code or name) and exit.")
@click.option("--compiler", type=click.Choice(["auto", "local", "remote"]), default="auto", show_default=True,
              help="With --compile: the Nango server when a secret key resolves (auto), else the local Nango CLI; or force one.")
@click.option("--compile-timeout", type=click.FloatRange(min=1), default=120, show_default=True, metavar="SECONDS",
              help="Time limit of one local compile run.")
@adoption.options
@remote_options
@click.version_option(__version__, "--version", prog_name="nango-lint")
def main_command(paths, output_format, outputs, select, extend_select, ignore, fail_on, exit_zero, stdin_filename, jobs,
                 fix, unsafe_fixes, diff, list_rules, explain, compiler, compile_timeout, **rest) -> None:
    """Lint Nango Functions (createSync / createAction files) for the platform's non-negotiable rules.

    PATH can be files or folders (searched for .ts, .mts, .cts and .tsx files, skipping node_modules, dist, build,
    .nango, hidden folders and git-ignored files). Use '-' to read one file from stdin.
    """
    out = sys.stdout
    try:
        if list_rules:
            _list_rules(out)
            sys.exit(EXIT_OK)
        if explain:
            _explain(explain, out)
            sys.exit(EXIT_OK)
        if not paths and not rest.get("show_settings"):
            raise UsageError("no paths given (try: nango-lint integrations/ or nango-lint --help)")
        from nango_lint.report.outputs import OutputError, default_format, parse_output

        try:
            output_specs = [parse_output(o) for o in outputs]
        except OutputError as exc:
            raise UsageError(str(exc)) from None
        output_format = output_format or default_format(stdout_is_tty=out.isatty())
        remote = {k: v for k, v in rest.items() if k.startswith("remote_")}
        adopt = {k: v for k, v in rest.items() if not k.startswith("remote_")}
        compile_request, remote = _route_compile(remote, compiler, compile_timeout)
        code = run(paths, output_format, _split(select), _split(extend_select), _split(ignore), fail_on,
                   exit_zero, stdin_filename, jobs, out, adoption.Adoption(**adopt), (fix, unsafe_fixes, diff),
                   outputs=output_specs, remote=remote, compile_request=compile_request)
    except (UsageError, UserError) as exc:
        click.echo(f"nango-lint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:  # click would turn it into "Aborted!" and exit 1
        click.echo("nango-lint: interrupted", err=True)
        sys.exit(130)
    sys.exit(code)


def run(paths, output_format, select, extend_select, ignore, fail_on, exit_zero, stdin_filename, jobs, out,
        adopt: adoption.Adoption | None = None, fixing: tuple[bool, bool, bool] = (False, False, False),
        outputs=(), remote=None, compile_request=None) -> int:
    from nango_lint.discovery import DiscoveryError, Target, discover
    from nango_lint.fixes import FixMode
    from nango_lint.report import Report, Summary, reporter
    from nango_lint.runner import lint_bytes_safely, lint_targets

    fix_mode = FixMode(*fixing)  # (--fix, --unsafe-fixes, --diff)
    plan = adoption.Plan(adopt or adoption.Adoption(), select, extend_select, ignore, fail_on)
    if plan.adopt.show_settings:
        out.write(plan.show(paths, stdin_filename, output_format))
        return EXIT_OK
    remote_plan = _plan_remote(remote or {}, paths, stdin_filename)

    results: list = []
    stdin = None
    file_paths = [p for p in paths if p != "-"]
    if "-" in paths:
        name = stdin_filename or "stdin.ts"
        try:
            raw = sys.stdin.buffer.read()
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read stdin: {exc}") from None
        results.append(lint_bytes_safely(name, raw, plan.settings_for(name), explicit=True))
        stdin = (results[0], raw)
    elif stdin_filename:
        raise UsageError("--stdin-filename needs '-' among the paths")
    try:
        targets: list[Target] = discover(file_paths)
    except DiscoveryError as exc:
        raise UsageError(str(exc)) from None
    targets = plan.filter_targets(targets)
    stream = itertools.chain(results, lint_targets(targets, plan.settings_for, jobs))
    if fix_mode.active:  # --fix / --diff: results now hold what remains (nango_lint/fixes.py)
        from nango_lint.fixes import fix_stage

        results, out, would_change = fix_stage(list(stream), plan.settings_for, fix_mode, targets, stdin, out)
        if would_change is not None:  # --diff: the patch was the output
            for e in (r.error for r in results if r.error):
                click.echo(f"nango-lint: error: {e}", err=True)
            return EXIT_ERROR if any(r.error for r in results) else (EXIT_FINDINGS if would_change and not exit_zero else EXIT_OK)
        stream = iter(results)

    # Stream results: keep findings (small) and the sources of files that have findings; drop everything else
    # as soon as a file is done, so memory stays flat in the number of files.
    findings = []
    errors = []
    sources = {}
    file_count = 0
    linted: list[str] = []
    kept: list = []
    remote_source = None
    for r in stream:
        file_count += 1
        if r.error:
            errors.append(r.error)
        linted.append(r.path)
        if compile_request is not None:
            kept.append(r)  # the local compile needs every linted file (it re-reads sources it lacks)
        if remote_plan is not None and remote_source is None:
            remote_source = r.parsed  # the one file of a remote run, tree included
        if r.findings:
            findings.extend(r.findings)
            if r.parsed is not None:
                # reporters need the text and line index, not the tree: dropping it keeps memory flat
                sources[r.path] = dataclasses.replace(r.parsed, tree=None) if r.parsed.tree is not None else r.parsed
    err = sys.stderr
    findings = plan.filter(findings, linted, sources, err)  # --diff-base, --baseline
    written = None if errors else plan.write_mode(findings, sources, "-" in paths, err)
    if written is not None:  # --add-suppressions, --write-baseline
        return written
    extra: dict = {}
    remote_outcome = None
    compile_code = None
    if remote_plan is not None and not errors:  # the remote pass (compile / dryrun / deploy of the one file)
        from nango_lint.remote.pipeline import run_remote

        remote_outcome = run_remote(remote_plan, remote_source, findings)
        findings.extend(remote_outcome.findings)
        extra.update(remote_outcome.extra)
        if remote_outcome.findings and remote_source is not None:
            sources.setdefault(remote_source.path, remote_source)
    if compile_request is not None and not errors:  # the local compile with the real Nango CLI
        from nango_lint.compile.command import compile_pass

        explicit = {t.path for t in targets if t.explicit} | ({kept[0].path} if "-" in paths and kept else set())
        step = compile_pass(compile_request, kept, findings, explicit)
        findings.extend(step.findings)
        extra.update(step.extra)
        compile_code = step.exit_code
        errors.extend([step.error] if step.error else [])
        if step.note:
            click.echo(f"nango-lint: {step.note}", err=True)
        for r in kept:
            if r.parsed is not None and any(f.path == r.path for f in step.findings):
                sources.setdefault(r.path, r.parsed)
    findings.sort(key=lambda f: f.sort_key())
    report = Report(findings, Summary.of(file_count, findings), sources, extra, unsafe_fixes=fix_mode.unsafe)
    if plan.adopt.statistics:
        adoption.write_statistics(findings, out, output_format == "json")
    else:
        reporter(output_format)(report, out)
    if remote_outcome is not None:
        remote_outcome.write_text(out, output_format)
    out.flush()
    if outputs:
        from nango_lint.report.outputs import OutputError, write_outputs

        try:
            write_outputs(report, list(outputs))
        except OutputError as exc:
            raise UsageError(str(exc)) from None
    for e in errors:
        click.echo(f"nango-lint: error: {e}", err=True)
    if errors:
        return EXIT_ERROR
    if remote_outcome is not None and remote_outcome.exit_code is not None:
        return remote_outcome.exit_code
    if exit_zero:
        return EXIT_OK
    if compile_code is not None and not exit_zero:
        return compile_code
    return plan.exit_code(findings, err)


def _route_compile(remote: dict, compiler: str, timeout: float):
    """``--compile`` alone runs on the Nango server when a secret key resolves (or ``--compiler remote``), else with
    the local Nango CLI. Dryrun and deploy always run on the server (they need a connection)."""
    if not remote.get("remote_compile"):
        if compiler != "auto":
            raise UsageError("--compiler needs --compile")
        return None, remote
    if remote.get("remote_dryrun") or remote.get("remote_deploy"):
        if compiler == "local":
            raise UsageError("--compiler local only applies to --compile alone: dryrun and deploy run on the Nango server")
        return None, remote
    from nango_lint.compile.errors import CompileToolError
    from nango_lint.compile.select import choose_compiler

    # flags that only mean something to the server make `auto` pick it (their checks then apply)
    server_flags = ("remote_environment", "remote_integration_id", "remote_function_name", "remote_function_type",
                    "remote_connection_id", "remote_allow_insecure_http", "remote_timeout")
    try:
        if compiler == "auto" and (any(remote.get(k) for k in server_flags) or remote.get("remote_api", "auto") != "auto"):
            which = "remote"
        else:
            which = choose_compiler(compiler, remote.get("remote_environment"))
    except CompileToolError as exc:
        raise UsageError(str(exc)) from None
    if which == "remote":
        return None, remote
    from nango_lint.compile.command import CompileRequest

    remote_only = [flag for key, flag in (("remote_connection_id", "--connection-id"), ("remote_api", "--api"),
                                          ("remote_allow_insecure_http", "--allow-insecure-http"))
                   if remote.get(key) and not (key == "remote_api" and remote[key] == "auto")]
    if remote_only:
        raise UsageError(f"{remote_only[0]} does not apply to a local compile (no secret key resolved; use --compiler remote)")
    return CompileRequest("local", timeout, bool(remote.get("remote_force"))), {}


def _plan_remote(remote: dict, paths, stdin_filename):
    """The checked remote-pass plan (None without --compile/--dryrun/--deploy); bad remote flags are usage errors."""
    from nango_lint.remote.errors import RemoteSetupError
    from nango_lint.remote.options import plan_remote

    try:
        return plan_remote(remote, paths, stdin_filename)
    except RemoteSetupError as exc:
        raise UsageError(str(exc)) from None


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
