"""``--compile`` after a lint: gate on lint errors, pick the compiler, compile all functions in one run.

The result is a ``CompileStep``: NL910 findings (ordinary findings, so every output format shows them), the exit
code of a compile failure (10, as the Nango CLI uses), a note for stderr, a one-line tool error (exit 2), and a
``compile`` object for machine-readable reports (with the raw compiler output).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from nango_lint.compile.errors import CompileToolError
from nango_lint.compile.runner import DEFAULT_TIMEOUT
from nango_lint.findings import Finding, Severity

EXIT_COMPILE_FAILED = 10
FUNCTION_KINDS = ("sync", "action", "on-event", "function")


@dataclass(frozen=True)
class CompileRequest:
    compiler: str = "auto"  # auto | local | remote
    timeout: float = DEFAULT_TIMEOUT
    force: bool = False  # compile even when the lint found errors


@dataclass
class CompileStep:
    findings: list[Finding] = field(default_factory=list)
    exit_code: int | None = None  # EXIT_COMPILE_FAILED when the compile reported problems
    error: str | None = None  # the compiler could not run: one line, exit 2
    note: str | None = None
    extra: dict = field(default_factory=dict)


def function_kind(path: str, source: bytes, parsed=None) -> str:
    """The FunctionModel kind of a file (sync, action, on-event, function, legacy or module)."""
    from tree_sitter import QueryCursor

    from nango_lint.model.function import FunctionModel
    from nango_lint.parsing import parse_source
    from nango_lint.query import combined_query

    parsed = parsed if parsed is not None else parse_source(path, source)
    captures = QueryCursor(combined_query(parsed.grammar, frozenset())).captures(parsed.root)
    return FunctionModel(parsed, captures).kind


def entries_from(results: Iterable, explicit: set[str]) -> list:
    """The functions to compile: every function file, plus any file named on the command line."""
    from nango_lint.compile.project import Entry

    entries = []
    for r in results:
        if r.error:
            continue
        if r.parsed is not None:
            source = r.parsed.source
        else:
            try:
                with open(r.path, "rb") as fh:
                    source = fh.read()
            except OSError:
                continue
        kind = function_kind(r.path, source, r.parsed)
        if kind in FUNCTION_KINDS or r.path in explicit:
            entries.append(Entry(r.path, r.path, source, kind))
    return entries


def compile_local(entries: list, timeout: float) -> tuple[list[Finding], dict]:
    from nango_lint.compile.diagnostics import DEFAULT_NAME, succeeded, to_findings
    from nango_lint.compile.project import throwaway_project
    from nango_lint.compile.runner import run_compile
    from nango_lint.compile.toolchain import NANGO_VERSION, ensure_toolchain

    toolchain = ensure_toolchain()
    with throwaway_project(entries, toolchain) as project:
        output = run_compile(project.root, toolchain, timeout)
        findings = to_findings(output, project, _rule_name(DEFAULT_NAME))
    info = {"compiler": "local", "nango_version": NANGO_VERSION,
            "status": "passed" if succeeded(output) else "failed", "exit_code": output.returncode,
            "seconds": round(output.seconds, 2), "files": [e.display for e in entries],
            "stdout": output.stdout, "stderr": output.stderr}
    return findings, info


def compile_remote(entries: list, timeout: float) -> tuple[list[Finding], dict]:
    raise CompileToolError("remote compiler not available in this build; use --compiler local")


def compile_pass(request: CompileRequest, results: list, lint_findings: list[Finding], explicit: set[str]) -> CompileStep:
    from nango_lint.compile.select import choose_compiler

    errors = sum(1 for f in lint_findings if f.severity >= Severity.ERROR)
    if errors and not request.force:
        return CompileStep(
            note=f"compile skipped: the lint found {errors} error{'s' if errors != 1 else ''}; fix "
                 f"{'them' if errors != 1 else 'it'} first or compile anyway with --force",
            extra={"compile": {"status": "skipped"}},
        )
    try:
        entries = entries_from(results, explicit)
        if not entries:
            raise CompileToolError("nothing to compile: no file defines a Nango function "
                                   "(createSync, createAction, createOnEvent or createFunction)")
        compiler = choose_compiler(request.compiler)
        backend = compile_local if compiler == "local" else compile_remote
        findings, info = backend(entries, request.timeout)
    except CompileToolError as exc:
        return _failed(str(exc))
    except OSError as exc:  # the temp folder or the cache could not be written
        return _failed(f"cannot prepare the compile ({exc.strerror or exc}); check free space and TMPDIR")
    n = len(entries)
    outcome = f"{len(findings)} error{'s' if len(findings) != 1 else ''}" if findings else "passed"
    note = (f"compiled {n} function{'s' if n != 1 else ''} with nango {info.get('nango_version', '')} "
            f"({info['compiler']}) in {info.get('seconds', 0):.1f} s: {outcome}")
    return CompileStep(findings, EXIT_COMPILE_FAILED if findings else None, note=note, extra={"compile": info})


def _failed(message: str) -> CompileStep:
    return CompileStep(error=message, extra={"compile": {"status": "error", "error": message}})


def _rule_name(default: str) -> str:
    """NL910's name from the catalog when the rule file is present, else the catalog's documented name."""
    from nango_lint.registry import catalog

    rule = catalog().rules.get("NL910")
    return rule.name if rule is not None else default
