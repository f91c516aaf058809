"""The per-file pipeline: parse once, run the combined query once, build the model, run the rules."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache
from typing import Callable

from tree_sitter import Node, QueryCursor

from nango_lint.findings import Finding, Fix, Severity
from nango_lint.model.function import FunctionModel
from nango_lint.parsing import ParsedSource, parse_source
from nango_lint.query import combined_query
from nango_lint.registry import TOKEN_TYPES, RuleSpec, catalog
from nango_lint.settings import RuleOptions, Settings


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # a file we could not lint (unreadable, binary...), reported as one line
    parsed: ParsedSource | None = None


class RuleContext:
    """What a rule's checker sees: the file, its model, its own query captures, and ``report``."""

    def __init__(self, file: "FileContext", spec: RuleSpec) -> None:
        self.file = file
        self.spec = spec
        self.model = file.model
        self.parsed = file.parsed
        self.options: RuleOptions = file.settings.options
        self.path = file.path

    def captures(self, name: str = "report") -> list[Node]:
        return self.file.captures.get(f"{self.spec.code}.{name}", [])

    def text(self, node: Node) -> str:
        return self.parsed.text(node)

    def report(
        self,
        node: Node | None = None,
        *,
        start: int | None = None,
        end: int | None = None,
        message: str | None = None,
        fix: Fix | None = None,
        severity: Severity | None = None,
        **fmt,
    ) -> None:
        if node is not None:
            start, end = node.start_byte, node.end_byte
        if start is None:
            start, end = 0, 0
        if end is None:
            end = start
        self.file.add(self.spec, start, end, message if message is not None else self.spec.message.format(**fmt), fix, severity)


class FileContext:
    def __init__(
        self, path: str, parsed: ParsedSource, settings: Settings, captures: dict[str, list[Node]], explicit: bool = False
    ) -> None:
        self.path = path
        self.explicit = explicit
        self.parsed = parsed
        self.settings = settings
        self.captures = captures
        self.model = FunctionModel(parsed, captures)
        self.findings: list[Finding] = []
        self._seen: set[tuple[str, int, int]] = set()

    def add(self, spec: RuleSpec, start: int, end: int, message: str, fix: Fix | None, severity: Severity | None) -> None:
        key = (spec.code, start, end)
        if key in self._seen:  # never report the same node twice for one rule
            return
        self._seen.add(key)
        sev = severity or self.settings.severity_overrides.get(spec.code) or spec.severity_for(self.model.kind)
        lines = self.parsed.lines
        line, col = lines.position(start)
        end_line, end_col = lines.position(end)
        self.findings.append(
            Finding(self.path, line, col, end_line, end_col, spec.code, spec.name, sev, message, start, end, fix)
        )


@cache
def _checker(ref: str) -> Callable[[RuleContext], None]:
    module, _, func = ref.partition(":")
    mod = importlib.import_module(f"nango_lint.checkers.{module}")
    return getattr(mod, func)


@cache
def _token_rules(codes: frozenset[str]) -> dict[str, tuple[tuple[str, frozenset[str]], ...]]:
    """word -> ((rule code, node types), ...) for the enabled rules that declare ``tokens``."""
    cat = catalog()
    out: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for code in sorted(codes):
        spec = cat.rules.get(code)
        if spec is not None and spec.tokens:
            for word in spec.tokens:
                out.setdefault(word, []).append((code, frozenset(spec.token_types)))
    return {w: tuple(v) for w, v in out.items()}


def _start_byte(node: Node) -> int:
    return node.start_byte


def _default_checker(ctx: RuleContext) -> None:
    for node in ctx.captures("report"):
        ctx.report(node, text=ctx.text(node))


def lint_parsed(path: str, parsed: ParsedSource, settings: Settings, explicit: bool = False) -> list[Finding]:
    cat = catalog()
    codes = settings.enabled
    query = combined_query(parsed.grammar, codes)
    captures = QueryCursor(query).captures(parsed.root)
    # tree-sitter does not promise document order across patterns (it differs on trees with errors): sort, so
    # every rule sees nodes in source order and the output is deterministic
    for nodes in captures.values():
        nodes.sort(key=_start_byte)
    file = FileContext(path, parsed, settings, captures, explicit)
    kind = file.model.kind
    token_rules = _token_rules(codes)
    if token_rules:  # rules that find rare words by byte search instead of a query pattern: one scan for all
        found = file.model.nodes_spelled(tuple(token_rules), TOKEN_TYPES)
        for node in found:
            word = node.text.decode("utf-8", "replace")
            for code, types in token_rules.get(word, ()):
                if node.type in types:
                    captures.setdefault(f"{code}.report", []).append(node)
    for code in sorted(codes):
        spec = cat.rules.get(code)
        if spec is None:
            continue
        if spec.applies_to is not None and kind not in spec.applies_to:
            continue
        if spec.checker:
            _checker(spec.checker)(RuleContext(file, spec))
        elif spec.query:
            _default_checker(RuleContext(file, spec))
    if not settings.no_suppressions:
        from nango_lint.suppressions import apply

        apply(file)
    file.findings.sort(key=Finding.sort_key)
    return file.findings


def lint_source(path: str, raw: bytes, settings: Settings, explicit: bool = True) -> FileResult:
    """Lint one in-memory buffer (the library entry point; the CLI goes through ``runner``)."""
    parsed = parse_source(path, raw)
    return FileResult(path, lint_parsed(path, parsed, settings, explicit), parsed=parsed)
