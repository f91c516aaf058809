"""``path:line:col: CODE severity message``, one finding per line, then a summary line."""

from __future__ import annotations

from typing import TextIO

from nango_lint.report import Report


def one_line(message: str) -> str:
    return " ".join(message.splitlines()) if "\n" in message or "\r" in message else message


def write(report: Report, out: TextIO) -> None:
    from nango_lint.fixes import fixable_hint, shows_fix

    for f in report.findings:
        mark = " [*]" if shows_fix(f, report.unsafe_fixes) else ""
        out.write(f"{f.path}:{f.line}:{f.column}: {f.code} {f.severity}{mark} {one_line(f.message)}\n")
    out.write(summary_line(report) + "\n")
    hint = fixable_hint(report.findings, report.unsafe_fixes)
    if hint:
        out.write(hint + "\n")


def summary_line(report: Report) -> str:
    s = report.summary
    files = f"{s.files} file{'s' if s.files != 1 else ''}"
    total = s.errors + s.warnings + s.infos
    if total == 0:
        return f"All checks passed ({files} linted)."
    parts = []
    for n, word in ((s.errors, "error"), (s.warnings, "warning"), (s.infos, "info")):
        if n:
            parts.append(f"{n} {word}{'s' if n != 1 and word != 'info' else ''}")
    return f"Found {total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) in {files}."
