"""A code frame per finding (rustc / ruff ``full`` layout): header, location, numbered source lines with carets under
the span, then ``help:`` with the rule's summary and how to read its documentation.

```
error[NL202]: The checkpoint read here never reaches a provider request: ...
  --> demo/syncs/tickets.ts:9:34
   |
 9 |         const checkpoint = await nango.getCheckpoint();
   |                                  ^^^^^^^^^^^^^^^^^^^^^
   |
   = help: checkpoint-not-used: The checkpoint is read but never changes a provider request
   = note: nango-lint --explain NL202
```

Spans over several lines are drawn with a bar on the left (``/`` where the span starts at the line's first
character, a ``_`` line pointing at the start column otherwise, ``|___^`` under its last character). Long spans
show their first and last lines around a ``...`` line. Columns in the header are 1-based characters; carets are
placed by display width (CJK and emoji take two cells, a tab takes four).
"""

from __future__ import annotations

import unicodedata
from typing import TextIO

from nango_lint.findings import Finding
from nango_lint.report import Report
from nango_lint.report.concise import summary_line

TAB = "    "
HEAD_LINES = 3  # a long multi-line span shows this many lines at its start...
TAIL_LINES = 2  # ...and this many at its end


def cell_width(text: str) -> int:
    width = 0
    for ch in text:
        if ch == "\t":
            width += len(TAB)
        elif unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 2
        else:
            width += 1
    return width


def _show(text: str) -> str:
    return text.replace("\t", TAB)


def _rule_summary(code: str) -> str | None:
    from nango_lint.registry import catalog

    rule = catalog().get(code)
    return rule.summary if rule is not None else None


def frame(f: Finding, sources: dict) -> list[str]:
    """The numbered source lines of one finding with its carets, without the surrounding gutter lines."""
    parsed = sources.get(f.path)
    if parsed is None:
        return []
    lines = parsed.lines
    last = lines.line_count
    if not (1 <= f.line <= last):
        return []
    end_line = max(f.line, min(f.end_line, last))
    number_width = len(str(end_line))
    gutter = " " * number_width + " |"

    def text(n: int) -> str:
        return lines.line_text(n - 1)

    def row(n: int, marker: str, body: str) -> str:
        return f"{n:>{number_width}} |{marker}{(' ' + _show(body)) if body else ''}".rstrip()

    if end_line == f.line:
        body = text(f.line)
        before = body[: f.column - 1]
        inside = body[f.column - 1 : max(f.column, f.end_column) - 1] if f.end_line == f.line else body[f.column - 1 :]
        carets = "^" * max(1, cell_width(inside))
        return [row(f.line, "", body), f"{gutter} {' ' * cell_width(before)}{carets}"]

    first = text(f.line)
    before = first[: f.column - 1]
    out = []
    if before.strip():  # the span starts mid-line: point at its start
        out.append(row(f.line, "  ", first))
        out.append(f"{gutter}  {'_' * (cell_width(before) + 1)}^")
    else:
        out.append(row(f.line, " /", first))
    middle = list(range(f.line + 1, end_line + 1))
    if len(middle) > HEAD_LINES + TAIL_LINES:
        shown = middle[: HEAD_LINES - 1] + [None] + middle[-TAIL_LINES:]
    else:
        shown = middle
    for n in shown:
        if n is None:
            out.append(f"{gutter} | ...")
        else:
            out.append(row(n, " |", text(n)))
    last_text = text(end_line)
    end_col = f.end_column if f.end_line == end_line else len(last_text) + 1
    inside = last_text[: max(0, end_col - 2)]
    out.append(f"{gutter} |{'_' * (cell_width(inside) + 1)}^")
    return out


def write_one(f: Finding, report: Report, out: TextIO) -> None:
    message_lines = f.message.splitlines() or [""]
    out.write(f"{f.severity}[{f.code}]: {message_lines[0]}\n")
    for extra in message_lines[1:]:
        out.write(f"  {extra}\n")
    code_lines = frame(f, report.sources)
    number_width = max(len(str(max(f.line, f.end_line))), 2)
    if code_lines:
        number_width = len(code_lines[0].split(" |", 1)[0])
    pad = " " * number_width
    out.write(f"{pad}--> {f.path}:{f.line}:{f.column}\n")
    if code_lines:
        out.write(f"{pad} |\n")
        for line in code_lines:
            out.write(line + "\n")
        out.write(f"{pad} |\n")
    summary = _rule_summary(f.code)
    name = f"{f.name}: {summary}" if summary else f.name
    out.write(f"{pad} = help: {name}\n")
    if f.fix is not None:
        how = "--fix" if f.fix.applicability == "safe" else "--fix --unsafe-fixes"
        label = f.fix.message or "a fix is available"
        out.write(f"{pad} = fix ({f.fix.applicability}, {how}): {label}\n")
    out.write(f"{pad} = note: run `nango-lint --explain {f.code}` for the rule's documentation\n\n")


def write(report: Report, out: TextIO) -> None:
    for f in report.findings:
        write_one(f, report, out)
    out.write(summary_line(report) + "\n")
