"""NL7xx: schemas and conventions (any, exposed endpoints, describe, null unions, casing, casts, try/catch)."""

from __future__ import annotations

import re

from tree_sitter import Node

from nango_lint.engine import RuleContext
from nango_lint.findings import Edit, Fix
from nango_lint.model.syntax import template_prefix, text, unwrap

# ---------------------------------------------------------------------------------------------------- NL702
DYNAMIC_SEGMENT = re.compile(r"(?:^|/)(:[A-Za-z_][\w-]*|\{[^}/]+\})")


def dynamic_endpoint_path(ctx: RuleContext) -> None:
    model = ctx.model
    if model.config is None:
        return
    endpoints: list = []
    single = model.resolve_object(model.config_value("endpoint"))
    if single is not None:
        endpoints.append(single)
    many = model.resolve_value(model.config_value("endpoints"))
    if many is not None and many.type == "array":
        for el in many.named_children:
            obj = model.resolve_object(el)
            if obj is not None:
                endpoints.append(obj)
    for obj in endpoints:
        path_node = obj.value("path")
        path = template_prefix(model.resolve_value(path_node)) if path_node is not None else None
        if path is None:
            continue
        m = DYNAMIC_SEGMENT.search(path)
        if m:
            ctx.report(path_node, path=path, segment=m.group(1))


# ---------------------------------------------------------------------------------------------------- NL703
ID_KEY = re.compile(r"(^id$|_id$|[a-z0-9]Id$|_ids$|[a-z0-9]Ids$|^uuid$|_uuid$|^guid$)")
TIME_KEY = re.compile(r"(_at$|[a-z0-9]At$|^date$|_date$|[a-z0-9]Date$|^timestamp$|_timestamp$|[a-z0-9]Timestamp$|_time$|[a-z0-9]Time$|^time$)")
URL_KEY = re.compile(r"(^url$|_url$|[a-z0-9]Url$|[a-z0-9]URL$|^href$|_href$|^link$|_link$|[a-z0-9]Link$|_uri$|[a-z0-9]Uri$|^uri$)")


def missing_describe(ctx: RuleContext) -> None:
    model = ctx.model
    if model.kind not in ("action", "sync", "function"):
        return
    for key in ("input", "output"):
        schema = model.config_schema(key)
        if schema is None or not schema.known:
            continue
        _describe_fields(ctx, schema, set())


def _describe_fields(ctx: RuleContext, schema, seen: set[int]) -> None:
    if schema.node.id in seen:
        return
    seen.add(schema.node.id)
    if not schema.is_object and not schema.fields:
        return
    for key, field in schema.fields.items():
        if not field.known:
            continue
        kind = None
        if field.base in ("enum", "nativeEnum"):
            kind = "enum"
        elif field.base in ("string", "number", "uuid", "url", "iso", "date") or (field.base == "array" and ID_KEY.search(key)):
            if ID_KEY.search(key):
                kind = "ID"
            elif TIME_KEY.search(key):
                kind = "timestamp"
            elif URL_KEY.search(key):
                kind = "URL"
        if kind is not None and not field.described:
            ctx.report(_key_node(schema.field_nodes.get(key)), key=key, kind=kind)


def _key_node(member: Node | None) -> Node | None:
    if member is None:
        return None
    if member.type == "pair":
        return member.child_by_field_name("key")
    return member


# ---------------------------------------------------------------------------------------------------- NL704
ATOMIC_TYPES = frozenset(
    {"call_expression", "identifier", "member_expression", "parenthesized_expression", "subscript_expression"}
)


def null_union(ctx: RuleContext) -> None:
    zod_names = ctx.model.zod.names
    found: list[tuple[Node, Node]] = []  # (union call, T)
    for call in ctx.model.member_calls_named("union"):
        other = _null_union_member(call, zod_names)
        if other is not None:
            found.append((call, other))
    for call, other in found:
        # A union nested inside another one's T is fixed by the outer edit (edits must not overlap).
        nested_in = any(o.start_byte <= call.start_byte and call.end_byte <= o.end_byte for c, o in found if c is not call)
        fix = None
        if not nested_in:
            fix = Fix((Edit(call.start_byte, call.end_byte, _nullable_text(ctx, other, found)),), "safe", "Use `.nullable()`")
        ctx.report(call, fix=fix, type=ctx.text(other))


def _null_union_member(call: Node, zod_names) -> Node | None:
    """T of ``z.union([z.null(), T])`` / ``z.union([T, z.null()])``, else None."""
    callee = call.child_by_field_name("function")
    if text(callee.child_by_field_name("object")) not in zod_names:
        return None
    args = [a for a in call.child_by_field_name("arguments").named_children if a.type != "comment"]
    if len(args) != 1 or args[0].type != "array":
        return None
    members = [m for m in args[0].named_children if m.type != "comment"]
    if len(members) != 2:
        return None
    nulls = [m for m in members if _is_zod_null(m, zod_names)]
    if len(nulls) != 1:
        return None
    other = members[0] if nulls[0] is members[1] else members[1]
    return None if other.type == "spread_element" else other


def _nullable_text(ctx: RuleContext, other: Node, found: list[tuple[Node, Node]]) -> str:
    """``T.nullable()`` with T's text kept exactly, except null unions nested in T, which are rewritten too."""
    src = ctx.parsed.source
    inner = [(c, o) for c, o in found if other.start_byte <= c.start_byte and c.end_byte <= other.end_byte]
    # outermost nested unions only; each one's own text is rewritten recursively
    outer = [(c, o) for c, o in inner if not any(c2 is not c and c2.start_byte <= c.start_byte and c.end_byte <= c2.end_byte
                                                 for c2, _ in inner)]
    out, pos = [], other.start_byte
    for c, o in sorted(outer, key=lambda x: x[0].start_byte):
        out.append(src[pos:c.start_byte].decode("utf-8", "replace"))
        out.append(_nullable_text(ctx, o, found))
        pos = c.end_byte
    out.append(src[pos:other.end_byte].decode("utf-8", "replace"))
    body = "".join(out)
    if other.type not in ATOMIC_TYPES:
        body = f"({body})"
    return f"{body}.nullable()"


def _is_zod_null(node: Node, zod_names) -> bool:
    node = unwrap(node)
    if node is None or node.type != "call_expression":
        return False
    callee = node.child_by_field_name("function")
    if callee is None or callee.type != "member_expression":
        return False
    args = node.child_by_field_name("arguments")
    return (text(callee.child_by_field_name("object")) in zod_names and text(callee.child_by_field_name("property")) == "null"
            and args is not None and not args.named_children)


# ---------------------------------------------------------------------------------------------------- NL705
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
CAMEL = re.compile(r"^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$")


def mixed_field_casing(ctx: RuleContext) -> None:
    model = ctx.model
    zod_names = model.zod.names
    for call in model.member_calls_named("object", "strictObject", "looseObject"):
        callee = call.child_by_field_name("function")
        if text(callee.child_by_field_name("object")) not in zod_names:
            continue
        args = [a for a in call.child_by_field_name("arguments").named_children if a.type != "comment"]
        if not args or unwrap(args[0]).type != "object":
            continue
        from nango_lint.model.objects import ObjectLiteral

        obj = ObjectLiteral.of(unwrap(args[0]))
        snake = [k for k in obj.members if SNAKE.match(k)]
        camel = [k for k in obj.members if CAMEL.match(k)]
        if snake and camel:
            minority = camel if len(camel) <= len(snake) else snake
            ctx.report(call.child_by_field_name("function"), snake=", ".join(snake[:3]), camel=", ".join(camel[:3]),
                       minority=minority[0])


# ---------------------------------------------------------------------------------------------------- NL706 / NL707
def object_cast(ctx: RuleContext) -> None:
    for node in ctx.captures("report"):
        if node.type == "as_expression":
            if any(c.type == "const" for c in node.children):
                continue  # `as const` is not a cast
            parent = node.parent
            if parent is not None and parent.type == "as_expression":
                continue  # `x as unknown as T`: report the outer cast once
        ctx.report(node, type=_cast_target(ctx, node))


def _cast_target(ctx: RuleContext, node: Node) -> str:
    if node.type == "as_expression":
        kids = node.named_children
        return ctx.text(kids[-1]) if kids else "?"
    targs = next((c for c in node.named_children if c.type == "type_arguments"), None)
    return ctx.text(targs)[1:-1] if targs is not None else "?"


DIRECTIVE = re.compile(r"^\s*(?://|/\*)\s*(ruleid|ok|todoruleid|todook):|eslint-|nango-lint|noqa|@ts-|prettier-ignore")


def try_catch_without_reason(ctx: RuleContext) -> None:
    model = ctx.model
    for node in ctx.captures("report"):
        if any(not DIRECTIVE.search(c.text) for c in model.comments_above(node)):
            continue  # a tool directive (a suppression, a test annotation) is not a reason
        block = node.child_by_field_name("body")
        if block is not None and any(c.node.start_point[0] == node.start_point[0] for c in model.comments_within(block)):
            continue  # `try { // why`
        ctx.report(node.children[0])


# ---------------------------------------------------------------------------------------------------- NL701
def explicit_any(ctx: RuleContext) -> None:
    for node in ctx.captures("report"):
        if ctx.text(node) == "any":
            ctx.report(node)

