"""GitHub Actions workflow commands: one ``::error`` / ``::warning`` / ``::notice`` annotation per finding.

- Escaping follows ``actions/toolkit`` (``command.ts``): the message escapes ``%`` (first), CR and LF; property
  values also escape ``:`` and ``,``, so a path like ``a,b/x:y.ts`` survives the runner's parser.
- The message starts with ``path:line:col:`` (the step's log shows only the message); the title names the rule.
- ``col`` / ``endColumn`` are sent only for one-line spans (the runner drops them otherwise).
- Errors come first, then warnings, then notices (infos). GitHub attaches only 10 annotations of each kind per step;
  when findings would be hidden, one ``::notice::`` says how many and where to find them.
- When ``$GITHUB_STEP_SUMMARY`` is set, a Markdown table of all findings is appended to it, kept under GitHub's
  1 MiB limit (a larger summary is dropped whole by the runner), truncated with a note if needed.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from nango_lint.findings import Finding, Severity
from nango_lint.report import Report
from nango_lint.report.common import by_severity, relative_path, span
from nango_lint.report.concise import summary_line

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
MAX_PER_KIND = 10  # actions/runner ExecutionContext._maxCountPerIssueType
SUMMARY_LIMIT = 1024 * 1024  # actions/runner FileCommandManager: a step summary over 1 MiB is skipped entirely
MAX_MESSAGE = 4096  # the runner truncates longer annotation messages

SUMMARY_MARK = "_github_step_summary_written"  # set on a Report: a run writing github output twice summarizes once


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, properties: dict[str, object], message: str) -> str:
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items() if v not in (None, ""))
    return f"::{kind} {props}::{escape_data(message)}" if props else f"::{kind}::{escape_data(message)}"


def annotation(f: Finding, sources: dict) -> str:
    s = span(f, sources, "char")
    props: dict[str, object] = {"file": relative_path(f.path), "line": s.line, "endLine": s.end_line}
    if s.line == s.end_line:
        props["col"] = s.column
        props["endColumn"] = s.end_column
    props["title"] = f"nango-lint ({f.code} {f.name})"
    # The location is repeated in the message because the step's log shows only the message.
    message = f"{props['file']}:{s.line}:{s.column}: {f.message}"
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 1] + "\u2026"
    return command(COMMAND[f.severity], props, message)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def overflow_notice(counts: dict[Severity, int], with_summary: bool) -> str | None:
    """One notice for the findings GitHub will not attach (it is emitted before the infos, so it is always shown)."""
    hidden = []
    for sev, word in ((Severity.ERROR, "error"), (Severity.WARNING, "warning")):
        if counts[sev] > MAX_PER_KIND:
            hidden.append(_plural(counts[sev] - MAX_PER_KIND, word))
    if not hidden and counts[Severity.INFO] <= MAX_PER_KIND:
        return None
    if counts[Severity.INFO] > MAX_PER_KIND - 1:  # the notice itself takes one of the 10 notice slots
        hidden.append(_plural(counts[Severity.INFO] - (MAX_PER_KIND - 1), "info"))
    where = "the job summary and this step's log" if with_summary else "this step's log"
    return command("notice", {"title": "nango-lint: more findings than annotations"},
                   f"{' and '.join(hidden) if len(hidden) < 3 else ', '.join(hidden)} not shown as annotations "
                   f"(GitHub attaches at most {MAX_PER_KIND} of each kind per step): see {where} for all of them.")


def write(report: Report, out: TextIO) -> None:
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    counts = {sev: 0 for sev in Severity}
    for f in report.findings:
        counts[f.severity] += 1
    notice = overflow_notice(counts, bool(summary_path))
    for f in by_severity(report.findings):
        if notice and f.severity == Severity.INFO:
            out.write(notice + "\n")
            notice = None
        out.write(annotation(f, report.sources) + "\n")
    if notice:
        out.write(notice + "\n")
    out.write(summary_line(report) + "\n")
    if summary_path and not getattr(report, SUMMARY_MARK, False):
        setattr(report, SUMMARY_MARK, True)
        try:
            append_step_summary(report, summary_path)
        except OSError as exc:
            print(f"nango-lint: warning: cannot write the step summary {summary_path}: {exc.strerror or exc}",
                  file=sys.stderr)


def _cell(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
    return "<br>".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def step_summary(report: Report, budget: int) -> str:
    """The Markdown summary, at most ``budget`` UTF-8 bytes."""
    head = f"## nango-lint\n\n{summary_line(report)}\n"
    if not report.findings:
        return head
    head += "\n| Severity | Location | Rule | Message |\n|---|---|---|---|\n"
    rows = []
    for f in by_severity(report.findings):
        where = f"{relative_path(f.path)}:{f.line}:{f.column}"
        rows.append(f"| {f.severity} | {_cell(where)} | {f.code} {f.name} | {_cell(f.message)} |\n")
    used = len(head.encode())
    kept = []
    for i, row in enumerate(rows):
        note = (f"\n{len(rows) - i} more findings are not listed here: the step summary is limited to 1 MiB. "
                "Use `--output json:PATH` or `--output sarif:PATH` for the full list.\n")
        size = len(row.encode())
        if used + size + len(note.encode()) > budget:
            return head + "".join(kept) + note
        kept.append(row)
        used += size
    return head + "".join(kept)


def append_step_summary(report: Report, path: str) -> None:
    try:
        existing = os.path.getsize(path)
    except OSError:
        existing = 0
    budget = SUMMARY_LIMIT - existing - 1024  # keep a margin below the limit
    if budget <= 0:
        return
    text = step_summary(report, budget)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text + "\n")
