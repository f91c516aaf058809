"""The remote pass, step by step: lint gate, compile, dryrun, deploy; findings, a report section and an exit code.

(The brief called this module ``pass.py``; ``pass`` is a Python keyword, so it could not be imported by name.)
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from nango_lint.findings import Finding, Severity
from nango_lint.parsing import ParsedSource
from nango_lint.remote.errors import RemoteError, RemoteSetupError, one_line, redact
from nango_lint.remote.options import RemotePlan

EXIT_ERROR, EXIT_COMPILE, EXIT_DEPLOY, EXIT_DRYRUN = 2, 10, 11, 12
STEP_EXIT = {"compile": EXIT_COMPILE, "dryrun": EXIT_DRYRUN, "deploy": EXIT_DEPLOY}
TEXT_FORMATS = ("concise", "full")


@dataclass
class RemoteOutcome:
    findings: list[Finding] = field(default_factory=list)  # NL910 / NL911
    extra: dict = field(default_factory=dict)  # {"remote": {...}} for the JSON report
    exit_code: int | None = None  # None: the lint's exit code stands
    lines: list[str] = field(default_factory=list)  # printed after the report in text formats

    def write_text(self, out: TextIO, output_format: str) -> None:
        if output_format in TEXT_FORMATS:
            for line in self.lines:
                out.write(line + "\n")


def relative_imports(parsed: ParsedSource) -> list[tuple[int, str]]:
    """(line, specifier) of every ``./``/``../`` import, re-export, ``import()`` or ``require()`` in the file."""
    from nango_lint.model.syntax import iter_descendants, string_value

    found = []
    for node in iter_descendants(parsed.root):
        spec_node = None
        if node.type in ("import_statement", "export_statement"):
            spec_node = node.child_by_field_name("source")
        elif node.type == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if fn is not None and (fn.type == "import" or (fn.type == "identifier" and fn.text == b"require")) \
                    and args is not None and args.named_children:
                spec_node = args.named_children[0]
        spec = string_value(spec_node) if spec_node is not None else None
        if spec is not None and (spec.startswith("./") or spec.startswith("../") or spec in (".", "..")):
            found.append((node.start_point[0] + 1, spec))
    return found


def function_kind(parsed: ParsedSource) -> str:
    from tree_sitter import QueryCursor

    from nango_lint.model.function import FunctionModel
    from nango_lint.query import combined_query

    captures = QueryCursor(combined_query(parsed.grammar, frozenset())).captures(parsed.root)
    return FunctionModel(parsed, captures).kind


def infer_integration_id(path: str) -> str | None:
    """``<integration>`` from ``<integration>/syncs|actions/<name>.ts`` (the Nango project layout)."""
    parent = Path(os.path.abspath(path)).parent
    if parent.name in ("syncs", "actions") and parent.parent.name:
        return parent.parent.name
    return None


def build_job(plan: RemotePlan, parsed: ParsedSource):
    from nango_lint.remote.client import Job

    try:
        code = parsed.source.decode("utf-8")
    except UnicodeDecodeError:
        raise RemoteSetupError(f"{plan.display_path} is not valid UTF-8; the server needs the file's text") from None
    if not code.strip():
        raise RemoteSetupError(f"{plan.display_path} is empty")
    rel = relative_imports(parsed)
    if rel:
        line, spec = rel[0]
        raise RemoteSetupError(
            f"{plan.display_path}:{line} imports {spec!r}: a remote function is one file, so relative imports "
            "cannot be compiled remotely (inline the helper)")
    kind = function_kind(parsed)
    ftype = kind if kind in ("sync", "action") else None
    if plan.function_type and ftype and plan.function_type != ftype:
        raise RemoteSetupError(
            f"--function-type {plan.function_type} does not match the file, which default-exports create"
            f"{ftype.capitalize()}()")
    if (plan.dryrun or plan.deploy) and ftype is None:
        raise RemoteSetupError(
            f"{plan.display_path} default-exports neither createSync() nor createAction(), so it cannot be dry-run or deployed")
    stem = Path(plan.display_path).name.split(".")[0]
    fields = dict(plan.dryrun_fields)
    if plan.dryrun and ftype == "action" and "input" not in fields:
        fields["input"] = {}
    return Job(
        code=code,
        function_type=ftype or plan.function_type,
        integration_id=plan.integration_id or infer_integration_id(plan.display_path),
        function_name=plan.function_name or stem,
        connection_id=plan.connection_id,
        dryrun_fields=fields,
    )


class _Progress:
    """``⠋ remote dryrun running (12 s)`` on a terminal's stderr; nothing at all when stderr is not a terminal."""

    FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        try:
            self.enabled = stream.isatty()
        except (AttributeError, ValueError):
            self.enabled = False
        self.shown = False
        self.n = 0

    def __call__(self, step: str, elapsed: float) -> None:
        if not self.enabled:
            return
        self.n += 1
        self.stream.write(f"\r{self.FRAMES[self.n % len(self.FRAMES)]} remote {step} running ({elapsed:.0f} s)\x1b[K")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def _redact_deep(value: Any, secret: str) -> Any:
    if isinstance(value, str):
        return redact(value, secret)
    if isinstance(value, list):
        return [_redact_deep(v, secret) for v in value]
    if isinstance(value, dict):
        return {redact(str(k), secret): _redact_deep(v, secret) for k, v in value.items()}
    return value


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.1f} s"


def _success_lines(res, api: str, function_type: str | None) -> list[str]:
    if res.step == "compile":
        return [f"Remote compile passed ({api} API, {_seconds(res.duration_ms)})."]
    if res.step == "dryrun":
        r = res.result
        if function_type == "sync" and isinstance(r, dict) and {"added", "updated", "deleted"} <= set(r):
            line = f"Remote dryrun passed ({_seconds(res.duration_ms)}): {r['added']} added, {r['updated']} updated, {r['deleted']} deleted."
            models = r.get("models") or {}
            return [line] + [f"  {m}: {c['added']} added, {c['updated']} updated, {c['deleted']} deleted."
                             for m, c in models.items()]
        if r is None:
            tail = f" ({res.note})" if res.note else " (no result)"
            return [f"Remote dryrun passed ({_seconds(res.duration_ms)}){tail}."]
        return [f"Remote dryrun passed ({_seconds(res.duration_ms)}). Result:", json.dumps(r, indent=2, ensure_ascii=False)]
    functions = res.result.get("deployed_functions") or []
    names = ", ".join(f"{f.get('name')}@{f.get('version')}" for f in functions if isinstance(f, dict)) or "the function"
    return [f"Remote deploy passed ({_seconds(res.duration_ms)}): deployed {names}."]


def run_remote(plan: RemotePlan, parsed: ParsedSource | None, findings: list[Finding],
               err: TextIO | None = None) -> RemoteOutcome:
    """Run the remote steps for the one linted file; ``findings`` are the lint's (for the gate)."""
    err = err or sys.stderr
    secret = plan.settings.key.reveal()
    out = RemoteOutcome()
    section: dict = {"api": None, "host": plan.settings.host, "steps": []}
    out.extra = {"remote": section}

    def say(line: str) -> None:
        err.write(redact(f"nango-lint: {line}", secret) + "\n")
        err.flush()

    def finish() -> RemoteOutcome:
        out.extra = _redact_deep(out.extra, secret)
        for f in [*findings, *out.findings]:  # a key pasted into the code must not come back in a message either
            f.message = redact(f.message, secret)
        out.lines = [redact(line, secret) for line in out.lines]
        return out

    if parsed is None:
        return finish()
    errors = sum(1 for f in findings if f.severity >= Severity.ERROR)
    if errors and not plan.force:
        section["skipped"] = f"the lint found {errors} error{'s' if errors != 1 else ''}"
        say(f"remote pass skipped: the lint found {errors} error{'s' if errors != 1 else ''} "
            "(fix them, or run anyway with --force)")
        return finish()

    steps = ["compile"] + (["dryrun"] if plan.dryrun else []) + (["deploy"] if plan.deploy else [])
    progress = _Progress(err)
    transport = client = None
    current = "compile"
    try:
        job = build_job(plan, parsed)
        from nango_lint.remote.client import RemoteClient
        from nango_lint.remote.transport import Transport, Tuning

        tuning = Tuning.from_env(plan.timeout)
        transport = Transport(plan.settings, tuning)
        client = RemoteClient(transport, tuning, plan.api, lambda m: say(f"note: {m}"), progress)
        for step in steps:
            current = step
            res = client.run(step, job)
            progress.clear()
            section["api"] = client.api_name
            section["steps"].append(res.as_dict())
            if res.ok:
                out.lines += _success_lines(res, client.api_name or plan.api, job.function_type)
                continue
            out.exit_code = _failure(res, plan, parsed, job, out, say)
            break
    except RemoteError as exc:
        progress.clear()
        message = redact(str(exc), secret)
        if client is not None:
            section["api"] = client.api_name
        if not isinstance(exc, RemoteSetupError):
            section["steps"].append({"step": current, "status": "error", "http_status": getattr(exc, "status", None),
                                     "duration_ms": 0, "error": {"message": message}})
        say(f"error: {message}")
        out.exit_code = EXIT_ERROR
    except Exception as exc:  # a bug or an unexpected library error: still one line, still no key
        progress.clear()
        say(f"error: remote {current} failed unexpectedly: {exc.__class__.__name__}: {one_line(redact(str(exc), secret), 300)}")
        out.exit_code = EXIT_ERROR
    finally:
        progress.clear()
        if transport is not None:
            transport.close()
    return finish()


def _failure(res, plan: RemotePlan, parsed: ParsedSource, job, out: RemoteOutcome, say) -> int:
    from nango_lint.remote.diagnostics import compile_findings, dryrun_finding, parse_compile_errors

    error = res.error or {}
    code = str(error.get("code") or f"{res.step}_error")
    message = str(error.get("message") or "")
    exit_code = STEP_EXIT[res.step]
    if code == "compilation_error":
        diags = parse_compile_errors(message)
        out.findings += compile_findings(diags, message, parsed, plan.display_path, job.function_name, res.step)
        exit_code = EXIT_COMPILE  # like the Nango CLI: a compile failure inside dryrun/deploy exits 10
        detail = f"{len(diags)} diagnostic{'s' if len(diags) != 1 else ''}, reported as NL910"
    elif res.step == "dryrun":
        out.findings.append(dryrun_finding(parsed, plan.display_path, code, message))
        detail = "reported as NL911"
        if code == "client_timeout":  # our own time limit, not the function's output: say it here too
            detail = f"{one_line(message, 300)}; {detail}"
    else:
        detail = one_line(message, 300) or "no message"
    out.lines.append(f"Remote {res.step} failed ({code}).")
    say(f"remote {res.step} failed ({code}): {detail}")
    return exit_code
