"""Inline suppression directives, applied to a file's findings after every rule ran.

Directives are read from tree-sitter ``comment`` nodes only (the model's ``comments``), never from a line regex, so
text inside strings and template literals never counts::

    // nango-lint-disable-next-line NL202 -- reason      next code line (skips comment lines; a whole
                                                        statement when it has no nested block)
    foo(); // nango-lint-disable-line NL202, retries-above-limit
    /* nango-lint-disable NL202 */ ... /* nango-lint-enable NL202 */   a range (a bare enable closes every range)
    // nango-lint-disable-file NL205                     the whole file

Rules are named by code or name, comma-separated; text after `` -- `` is the reason. A directive that names no rule,
or an unknown one, is NL902; a range never re-enabled is NL903 (it still runs to the end of the file); a rule listed
in a directive that suppressed nothing is NL901, judged only for rules that ran on this file. Meta findings can be
suppressed by other directives, never by the directive they report on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tree_sitter import Node

from nango_lint.findings import Finding
from nango_lint.registry import catalog

if TYPE_CHECKING:
    from nango_lint.engine import FileContext
    from nango_lint.model.function import Comment

UNUSED, INVALID, UNTERMINATED = "NL901", "NL902", "NL903"
META_CODES = frozenset({UNUSED, INVALID, UNTERMINATED})
PREFIX = "nango-lint-"
KINDS = ("disable-next-line", "disable-line", "disable-file", "disable", "enable")
_DIRECTIVE = re.compile(r"^nango-lint-([a-z-]+)(.*)$", re.S)
_REASON = re.compile(r"\s-{2,}(?:\s|$)")
_NESTED_BLOCKS = frozenset({"statement_block", "class_body", "switch_body"})
MAX_STATEMENT_LINES = 200


@dataclass(eq=False)
class Directive:
    kind: str
    comment: "Comment"
    codes: list[str] = field(default_factory=list)  # resolved rule codes, in the order written
    problems: list[str] = field(default_factory=list)  # why the directive (or part of it) is invalid
    reason: str = ""
    rows: set[int] = field(default_factory=set)  # 0-based rows covered (line directives)
    start: int = 0  # ranges: covered from here (the end of the disable comment)...
    ends: dict[str, int] = field(default_factory=dict)  # ...to the enable comment of each rule
    unclosed: list[str] = field(default_factory=list)  # rules never re-enabled (NL903)
    used: set[str] = field(default_factory=set)

    @property
    def node(self) -> Node:
        return self.comment.node

    def covers(self, finding: Finding) -> bool:
        if finding.code not in self.codes or self.kind == "enable":
            return False
        if self.kind == "disable-file":
            return True
        if self.kind == "disable":
            return self.start <= finding.start_byte < self.ends[finding.code]
        return (finding.line - 1) in self.rows


def _body(comment_text: str) -> str:
    if comment_text.startswith("//"):
        return comment_text[2:].strip()
    if comment_text.startswith("/*"):
        inner = comment_text[2:-2] if comment_text.endswith("*/") else comment_text[2:]
        # a multi-line block comment may prefix its lines with ` * `
        return " ".join(re.sub(r"^\s*\*?", "", ln) for ln in inner.splitlines()).strip()
    return comment_text.strip()


def parse_directive(comment: "Comment") -> Directive | None:
    """The directive in one comment, or None when the comment is not a nango-lint directive."""
    if PREFIX not in comment.text:  # the common case, decided without any parsing
        return None
    body = _body(comment.text)
    if not body.startswith(PREFIX):
        return None
    m = _DIRECTIVE.match(body)
    if m is None:
        return None
    kind, rest = m.group(1), m.group(2)
    if kind not in KINDS or (rest and not rest[0].isspace()):
        word = body.split()[0]
        d = Directive("unknown", comment)
        d.problems.append(f"unknown directive `{word}` (use nango-lint-{', nango-lint-'.join(KINDS)})")
        return d
    d = Directive(kind, comment)
    r = _REASON.search(rest)
    ids_text, d.reason = (rest[: r.start()], rest[r.end() :].strip()) if r else (rest, "")
    ids = [i.strip() for i in ids_text.split(",") if i.strip()]
    if not ids:
        if kind != "enable":  # a bare enable closes every open range; everything else must name rules
            d.problems.append(f"`nango-lint-{kind}` must name the rules it suppresses (blanket suppressions are "
                              "not allowed)")
        return d
    cat = catalog()
    for ident in ids:
        rule = cat.get(ident) if not any(ch.isspace() for ch in ident) else None
        if rule is None:
            hint = (" (separate rules with commas; put a reason after ` -- `)" if any(ch.isspace() for ch in ident)
                    else "")
            d.problems.append(f"unknown rule `{ident}`{hint}")
        elif rule.code not in d.codes:
            d.codes.append(rule.code)
    return d


def _block_free_span(node: Node) -> tuple[int, int] | None:
    """The rows of ``node`` when it is one statement or expression without nested blocks (else None)."""
    if node.end_point[0] - node.start_point[0] > MAX_STATEMENT_LINES:
        return None
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in _NESTED_BLOCKS:
            return None
        stack.extend(n.named_children)
    return node.start_point[0], node.end_point[0]


def _next_code_sibling(node: Node) -> Node | None:
    sib = node.next_named_sibling
    while sib is not None and sib.type == "comment":
        sib = sib.next_named_sibling
    return sib


def _line_rows(d: Directive, own_line_rows: dict[int, int]) -> set[int]:
    node, row = d.node, d.comment.line
    if d.kind == "disable-line":
        rows = {row}
        if not d.comment.own_line:
            # `});  // nango-lint-disable-line X` after a statement Prettier wrapped: cover the whole statement
            prev = node.prev_named_sibling
            if prev is not None and prev.type != "comment" and prev.end_point[0] == row:
                span = _block_free_span(prev)
                if span:
                    rows.update(range(span[0], span[1] + 1))
        return rows
    # disable-next-line: the next line that is not an own-line comment (a doc link may sit in between)
    target = d.comment.end_line + 1
    while target in own_line_rows:
        target = own_line_rows[target] + 1
    rows = {target}
    nxt = _next_code_sibling(node)
    if nxt is not None and nxt.start_point[0] == target:
        span = _block_free_span(nxt)
        if span:
            rows.update(range(span[0], span[1] + 1))
    return rows


def parse_directives(comments: list["Comment"], source_len: int) -> list[Directive]:
    directives = [d for d in (parse_directive(c) for c in comments) if d is not None]
    own_line_rows = {c.line: c.end_line for c in comments if c.own_line}
    open_ranges: dict[str, Directive] = {}
    for d in directives:
        if d.kind in ("disable-line", "disable-next-line"):
            d.rows = _line_rows(d, own_line_rows)
        elif d.kind == "disable":
            d.start = d.node.end_byte
            for code in d.codes:
                if code in open_ranges:  # already disabled: this one covers nothing (so NL901 reports it)
                    d.ends[code] = d.start
                else:
                    d.ends[code] = source_len
                    open_ranges[code] = d
        elif d.kind == "enable":
            closing = list(open_ranges) if not d.codes else [c for c in d.codes if c in open_ranges]
            for code in closing:
                opened = open_ranges.pop(code)
                opened.ends[code] = d.node.start_byte
    for code, d in open_ranges.items():
        d.unclosed.append(code)
    return directives


def _meta(file: "FileContext", code: str, d: Directive, message: str, out: list[tuple[Finding, Directive]]) -> None:
    spec = catalog().rules.get(code)
    if spec is None or code not in file.settings.enabled:
        return
    before = len(file.findings)
    file.add(spec, d.node.start_byte, d.node.end_byte, message, None, None)
    if len(file.findings) > before:
        out.append((file.findings.pop(), d))


def _suppress(findings: list[Finding], directives: list[Directive], about: dict[int, Directive]) -> list[Finding]:
    kept = []
    for f in findings:
        hit = False
        for d in directives:
            if d is about.get(id(f)) or not d.covers(f):
                continue
            d.used.add(f.code)
            hit = True
        if not hit:
            kept.append(f)
    return kept


def apply(file: "FileContext") -> list[Finding]:
    """The file's findings minus the suppressed ones, plus NL901-NL903 findings about the directives."""
    directives = parse_directives(file.model.comments, len(file.parsed.source))
    if not directives:
        return file.findings
    rule_findings = file.findings
    file.findings = []
    meta: list[tuple[Finding, Directive]] = []
    for d in directives:
        if d.problems:
            _meta(file, INVALID, d, f"Invalid suppression: {'; '.join(d.problems)}", meta)
        if d.unclosed:
            names = ", ".join(d.unclosed)
            _meta(file, UNTERMINATED, d,
                  f"`nango-lint-disable {names}` is never re-enabled: add `/* nango-lint-enable {names} */` "
                  "where the exception ends, or use `nango-lint-disable-file` (it runs to the end of the file)", meta)
    kept = _suppress(rule_findings, directives, {})
    about = {id(f): d for f, d in meta}
    kept += _suppress([f for f, _ in meta], directives, about)
    # unused: judged only for rules that ran on this file, and only on a file that parsed cleanly
    if UNUSED in file.settings.enabled and not file.parsed.root.has_error:
        enabled = file.settings.enabled
        pending: list[tuple[Finding, Directive]] = []
        for d in directives:
            unused = _unused(d, enabled)
            if unused and d.kind != "enable":
                _meta(file, UNUSED, d, _unused_message(d, unused), pending)
        alive = {id(f) for f in _suppress([f for f, _ in pending], directives, {id(f): d for f, d in pending})}
        for f, d in pending:
            # a directive that suppressed another NL901 finding just now is used after all
            unused = _unused(d, enabled)
            if id(f) in alive and unused:
                f.message = _unused_message(d, unused)
                kept.append(f)
    file.findings = kept
    return kept


def _unused(d: Directive, enabled: frozenset[str]) -> list[str]:
    return [c for c in d.codes if c not in d.used and c in enabled]


def _unused_message(d: Directive, unused: list[str]) -> str:
    which = "it" if len(unused) == len(d.codes) else "those rules from it"
    return f"Unused suppression: no {', '.join(unused)} finding {_where(d)}; remove {which}"


def _where(d: Directive) -> str:
    return {"disable-line": "on this line", "disable-next-line": "on the next line", "disable": "in this range",
            "disable-file": "in this file"}.get(d.kind, "here")
