"""Command-line glue for configuration, suppressions and adoption: options, and the steps the run goes through.

``cli.py`` stays small: it adds ``@options`` to the command and calls a ``Plan`` at four points (settings per file,
target filtering, the write modes that end a run, and the report-time filters plus the exit code).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import TextIO

import click

from nango_lint.config import CliOverrides, Resolver, show_settings
from nango_lint.errors import UserError
from nango_lint.findings import Finding, Severity
from nango_lint.settings import Settings

ADD_FLAG, REASON_FLAG = "--add-suppressions", "--suppression-reason"


class Command(click.Command):
    """Accepts ``--add-suppressions=REASON`` (an optional value that never swallows the next path)."""

    def parse_args(self, ctx, args):
        rewritten: list[str] = []
        for i, arg in enumerate(args):
            if arg == "--":
                rewritten.extend(args[i:])
                break
            if arg.startswith(ADD_FLAG + "="):
                rewritten += [ADD_FLAG, REASON_FLAG, arg[len(ADD_FLAG) + 1 :]]
            else:
                rewritten.append(arg)
        return super().parse_args(ctx, rewritten)


_OPTIONS = [
    click.option("--config", "config_path", metavar="PATH", help="Use this config file for every file (no discovery)."),
    click.option("--isolated", is_flag=True, help="Ignore all config files."),
    click.option("--show-settings", is_flag=True,
                 help="Print the resolved settings for the first PATH (TOML; JSON with --format json) and exit."),
    click.option("--force-exclude", is_flag=True, help="Apply the config's exclude also to files named explicitly."),
    click.option("--no-suppressions", is_flag=True, help="Ignore every nango-lint-disable comment (for audits)."),
    click.option(ADD_FLAG, "add_suppressions", is_flag=True,
                 help="Insert `// nango-lint-disable-next-line CODE` above every finding, then exit. "
                      "--add-suppressions=REASON adds ` -- REASON`."),
    click.option(REASON_FLAG, "suppression_reason", default="", hidden=True),
    click.option("--baseline", "baseline_path", metavar="FILE", help="Hide findings recorded in this baseline file."),
    click.option("--write-baseline", "write_baseline", metavar="FILE",
                 help="Record the current findings in FILE and exit 0."),
    click.option("--diff-base", metavar="REF",
                 help="Report only findings on lines changed since `git merge-base REF HEAD` (untracked files count)."),
    click.option("--max-warnings", type=click.IntRange(min=0), default=None, metavar="N",
                 help="Exit 1 when there are more than N warnings."),
    click.option("--statistics", is_flag=True, help="Print one row per rule (count, code, name) instead of findings."),
]


def options(f):
    for opt in reversed(_OPTIONS):
        f = opt(f)
    return f


@dataclass(frozen=True)
class Adoption:
    config_path: str | None = None
    isolated: bool = False
    show_settings: bool = False
    force_exclude: bool = False
    no_suppressions: bool = False
    add_suppressions: bool = False
    suppression_reason: str = ""
    baseline_path: str | None = None
    write_baseline: str | None = None
    diff_base: str | None = None
    max_warnings: int | None = None
    statistics: bool = False


class Plan:
    def __init__(self, adopt: Adoption, select, extend_select, ignore, fail_on: str | None) -> None:
        self.adopt = adopt
        if adopt.baseline_path and adopt.write_baseline:
            raise UserError("--baseline and --write-baseline cannot be combined (--write-baseline rewrites it)")
        if adopt.suppression_reason and not adopt.add_suppressions:
            raise UserError(f"{REASON_FLAG} needs {ADD_FLAG}")
        cli = CliOverrides(tuple(select), tuple(extend_select), tuple(ignore), fail_on, adopt.no_suppressions)
        self.resolver = Resolver(cli, adopt.config_path, adopt.isolated)
        self._by_path: dict[str, Settings] = {}
        self.changed = None
        if adopt.diff_base:
            from nango_lint.diff_base import ChangedLines

            self.changed = ChangedLines.since(adopt.diff_base)
        self.baseline = None
        if adopt.baseline_path:
            from nango_lint.baseline import Baseline

            self.baseline = Baseline.load(adopt.baseline_path)

    def settings_for(self, path: str) -> Settings:
        s = self._by_path.get(path)
        if s is None:
            s = self._by_path[path] = self.resolver.settings_for(path)
        return s

    def filter_targets(self, targets: list) -> list:
        return self.resolver.filter_targets(targets, self.adopt.force_exclude)

    def show(self, paths, stdin_filename: str | None, output_format: str) -> str:
        path = next((p for p in paths if p != "-"), None) or stdin_filename or "."
        return show_settings(self.resolver, path, output_format == "json")

    def write_mode(self, findings: list[Finding], sources: dict, from_stdin: bool, err: TextIO) -> int | None:
        """--add-suppressions / --write-baseline: do it, and return the exit code (None: a normal run)."""
        if self.adopt.add_suppressions:
            if from_stdin:
                raise UserError("--add-suppressions cannot edit stdin; name the files")
            from nango_lint.add_suppressions import add_suppressions

            result = add_suppressions(findings, self.adopt.suppression_reason)
            for note in result.notes:
                err.write(f"nango-lint: note: {note}\n")
            err.write(f"Added {result.added} suppression comment{'s' if result.added != 1 else ''} "
                      f"in {result.files} file{'s' if result.files != 1 else ''}.\n")
            return 0
        if self.adopt.write_baseline:
            from nango_lint.baseline import write

            n, files = write(findings, self.adopt.write_baseline, sources)
            err.write(f"Wrote {self.adopt.write_baseline}: {n} finding{'s' if n != 1 else ''} "
                      f"in {files} file{'s' if files != 1 else ''}.\n")
            return 0
        return None

    def filter(self, findings: list[Finding], linted: list[str], sources: dict, err: TextIO) -> list[Finding]:
        if self.changed is not None:
            findings = self.changed.filter(findings)
        if self.baseline is not None:
            findings, stale = self.baseline.filter(findings, linted, sources)
            if stale:
                err.write(f"nango-lint: {stale} baseline entr{'ies are' if stale != 1 else 'y is'} stale; "
                          f"run --write-baseline {self.adopt.baseline_path} to prune\n")
        return findings

    def exit_code(self, findings: list[Finding], err: TextIO) -> int:
        """1 when a finding reaches its file's fail-on level, or warnings exceed --max-warnings; else 0."""
        if any(f.severity >= self.settings_for(f.path).fail_on for f in findings):
            return 1
        warnings = sum(1 for f in findings if f.severity == Severity.WARNING)
        if self.adopt.max_warnings is not None and warnings > self.adopt.max_warnings:
            err.write(f"nango-lint: {warnings} warnings exceed --max-warnings {self.adopt.max_warnings}\n")
            return 1
        return 0


def write_statistics(findings: list[Finding], out: TextIO, as_json: bool) -> None:
    """ruff-style: one row per rule with at least one finding, most frequent first."""
    counts = Counter((f.code, f.name) for f in findings)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    if as_json:
        json.dump([{"code": c, "name": n, "count": k} for (c, n), k in rows], out, indent=2)
        out.write("\n")
        return
    width = max((len(str(k)) for _, k in rows), default=1)
    for (code, name), k in rows:
        out.write(f"{k:>{width}}\t{code}\t{name}\n")
