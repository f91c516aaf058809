"""NL1xx: provider calls (``nango.get|post|put|patch|delete|proxy|paginate``)."""

from __future__ import annotations

import re

from nango_lint.engine import RuleContext
from nango_lint.findings import Edit, Fix, Severity
from nango_lint.model.function import NangoCall
from nango_lint.model.syntax import number_value, text

URL_RE = re.compile(r"https?://[^\s)>\]]+", re.IGNORECASE)


def _is_action_like(ctx: RuleContext, call: NangoCall) -> bool:
    kind = ctx.model.kind
    if kind in ("action", "on-event"):
        return True
    if kind in ("sync", "function"):
        return False
    # helper modules and legacy files: decide from the nango parameter's declared type
    from nango_lint.model.syntax import first_param, param_type_name

    tname = param_type_name(first_param(call.function)) or ""
    return "Action" in tname


def retries_above_limit(ctx: RuleContext) -> None:
    limit = ctx.options.max_retries
    for call in ctx.model.provider_calls:
        cfg = call.config
        if cfg is None or not cfg.known:
            continue
        member = cfg.obj.member("retries")
        if member is None:
            continue
        value_node = cfg.value("retries")
        resolved = ctx.model.resolve_value(value_node)
        value = number_value(resolved)
        if value is None or value <= limit:
            continue
        action_like = _is_action_like(ctx, call)
        severity = None
        if ctx.spec.code not in ctx.file.settings.severity_overrides:
            severity = Severity.WARNING if action_like else Severity.ERROR
        fix = None
        if member.type == "pair" and resolved is value_node:
            fix = Fix((Edit(value_node.start_byte, value_node.end_byte, str(limit)),), "unsafe", f"Set `retries: {limit}`")
        where = "an action" if action_like else "a sync"
        ctx.report(value_node if member.type == "pair" else member, severity=severity, fix=fix,
                   value=_fmt(value), limit=limit, where=where, method=call.method)


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def missing_retries(ctx: RuleContext) -> None:
    for call in ctx.model.provider_calls:
        cfg = call.config
        if cfg is None or not cfg.known:
            continue
        if cfg.has("retries") is not False:
            continue
        fix = None
        if _sync_read(ctx, call) and not _shared_with_writes(ctx, call):
            fix = _insert_key_fix(ctx, cfg.obj.node, "retries: 3", "Add `retries: 3`")
        anchor = call.property_node
        ctx.report(anchor, fix=fix, method=call.method)


def _sync_read(ctx: RuleContext, call: NangoCall) -> bool:
    """A GET-like provider call in a sync: the only calls NL102 offers to add `retries: 3` to."""
    if ctx.model.kind != "sync":
        return False
    return call.method in ("get", "paginate") or (call.method == "proxy" and _method_is_get(call.config))


def _shared_with_writes(ctx: RuleContext, call: NangoCall) -> bool:
    """The config object is also used by a call that is not a sync read: adding `retries` would change it too."""
    node_id = call.config.obj.node.id
    return any(
        c.config is not None and c.config.obj is not None and c.config.obj.node.id == node_id and not _sync_read(ctx, c)
        for c in ctx.model.provider_calls
    )


def _method_is_get(cfg) -> bool:
    from nango_lint.model.syntax import string_value

    m = cfg.value("method")
    return m is None or (string_value(m) or "").upper() == "GET"


def _insert_key_fix(ctx: RuleContext, obj, member_text: str, message: str) -> Fix | None:
    """Insert ``member_text`` as the last member of an object literal, matching its layout.

    Multi-line objects get a new line before the closing brace, indented like the other members (a comment after the
    last member stays where it is, the comma goes before it); a trailing-comma style is kept. One-line objects get
    ``, key: value`` after the last member. Edits use ``\n``: the fix engine writes the file's own line break.
    """
    src = ctx.parsed.source
    members = [c for c in obj.named_children if c.type != "comment"]
    close = obj.end_byte - 1  # the `}`
    if not members:
        if obj.named_children:  # only comments inside: leave them alone
            return None
        return Fix((Edit(obj.start_byte, obj.end_byte, "{ " + member_text + " }"),), "unsafe", message)
    last = members[-1]
    comma = next((c for c in obj.children if c.type == "," and c.start_byte >= last.end_byte), None)
    close_line = _line_start(src, close)
    if close_line > last.end_byte and not src[close_line:close].strip():
        indent = _member_indent(src, members, close_line, close)
        edits = [] if comma is not None else [Edit(last.end_byte, last.end_byte, ",")]
        edits.append(Edit(close_line, close_line, indent + member_text + ("," if comma is not None else "") + "\n"))
        return Fix(tuple(edits), "unsafe", message)
    if comma is not None:
        return Fix((Edit(comma.end_byte, comma.end_byte, " " + member_text + ","),), "unsafe", message)
    return Fix((Edit(last.end_byte, last.end_byte, ", " + member_text),), "unsafe", message)


def _line_start(src: bytes, pos: int) -> int:
    return max(src.rfind(b"\n", 0, pos), src.rfind(b"\r", 0, pos)) + 1


def _member_indent(src: bytes, members, close_line: int, close: int) -> str:
    """The indentation of the last member that starts its own line, else the closing brace's plus one level."""
    for m in reversed(members):
        start = _line_start(src, m.start_byte)
        prefix = src[start : m.start_byte]
        if not prefix.strip():
            return prefix.decode("utf-8", "replace")
    base = src[close_line:close].decode("utf-8", "replace")
    return base + ("\t" if "\t" in base else "    ")


def missing_api_doc_link(ctx: RuleContext) -> None:
    model = ctx.model
    for call in model.provider_calls:
        cfg = call.config
        if cfg is None or cfg.status in ("unknown",):
            continue
        if _has_doc_link(ctx, call):
            continue
        ctx.report(call.property_node, method=call.method)


def _has_url(comments) -> bool:
    return any(URL_RE.search(c.text) for c in comments)


def _has_doc_link(ctx: RuleContext, call: NangoCall) -> bool:
    model = ctx.model
    # directly above the call (or at the end of its first line)
    if _has_url(model.comments_above(call.node)):
        return True
    row = call.node.start_point[0]
    if _has_url([c for c in model.comments_by_end_line.get(row, []) if not c.own_line]):
        return True
    # above the statement the call is part of (a multi-line `const x =\n await nango.get(...)`)
    stmt = call.node
    while stmt.parent is not None and stmt.parent.type not in ("statement_block", "program"):
        stmt = stmt.parent
    if stmt is not call.node and _has_url(model.comments_above(stmt)):
        return True
    cfg = call.config
    if cfg is not None and cfg.obj is not None:
        # anywhere inside the config literal (above `endpoint:` or another key)
        if _has_url(model.comments_within(cfg.obj.node)):
            return True
        if cfg.declarator is not None:
            decl_stmt = cfg.declarator.parent or cfg.declarator
            if _has_url(model.comments_above(decl_stmt)) or _has_url(model.comments_above(cfg.declarator)):
                return True
    # inside the call's own argument list (e.g. a comment before an identifier config)
    args = call.node.child_by_field_name("arguments")
    if args is not None and _has_url(model.comments_within(args)):
        return True
    return _link_earlier_in_block(ctx, call)


def _link_earlier_in_block(ctx: RuleContext, call: NangoCall) -> bool:
    """A URL comment earlier in the enclosing blocks, with no other provider call in between: the link that
    introduces this call even when a log line or ``trackDeletesStart()`` sits between them."""
    provider_starts = sorted(c.node.start_byte for c in ctx.model.provider_calls if c.node.id != call.node.id)
    url_comments = [c for c in ctx.model.comments if URL_RE.search(c.text)]
    if not url_comments:
        return False
    node = call.node
    while node.parent is not None:
        parent = node.parent
        if parent.type in ("statement_block", "program", "class_body", "switch_body"):
            sibling = node.prev_named_sibling
            while sibling is not None:
                if sibling.type == "comment":
                    if URL_RE.search(ctx.text(sibling)):
                        return True
                elif any(sibling.start_byte <= s < sibling.end_byte for s in provider_starts):
                    return False
                sibling = sibling.prev_named_sibling
        node = parent
    return False
