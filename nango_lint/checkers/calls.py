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
        if ctx.model.kind == "sync" and call.method in ("get", "paginate") or (
            ctx.model.kind == "sync" and call.method == "proxy" and _method_is_get(cfg)
        ):
            fix = _insert_key_fix(ctx, cfg.obj.node, "retries: 3", "Add `retries: 3`")
        anchor = call.property_node
        ctx.report(anchor, fix=fix, method=call.method)


def _method_is_get(cfg) -> bool:
    from nango_lint.model.syntax import string_value

    m = cfg.value("method")
    return m is None or (string_value(m) or "").upper() == "GET"


def _insert_key_fix(ctx: RuleContext, obj, member_text: str, message: str) -> Fix | None:
    """Insert ``member_text`` as the last member of an object literal, matching its layout."""
    src = ctx.parsed.source
    members = [c for c in obj.named_children if c.type != "comment"]
    close = obj.end_byte - 1  # the `}`
    if not members:
        return Fix((Edit(obj.start_byte, obj.end_byte, "{ " + member_text + " }"),), "unsafe", message)
    last = members[-1]
    between = src[last.end_byte:close].decode("utf-8", "replace")
    has_comma = between.lstrip().startswith(",")
    if b"\n" in src[obj.start_byte:obj.end_byte]:
        # multi-line: reuse the indentation of the last member
        line_start = src.rfind(b"\n", 0, last.start_byte) + 1
        indent = src[line_start:last.start_byte].decode("utf-8", "replace")
        if not indent.strip() == "":
            indent = "    "
        insert_at = last.end_byte + (between.index(",") + 1 if has_comma else 0)
        text_ = ("" if has_comma else ",") + "\n" + indent + member_text + ("," if has_comma else "")
        return Fix((Edit(insert_at, insert_at, text_),), "unsafe", message)
    insert_at = last.end_byte + (between.index(",") + 1 if has_comma else 0)
    return Fix((Edit(insert_at, insert_at, ("" if has_comma else ",") + " " + member_text),), "unsafe", message)


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
