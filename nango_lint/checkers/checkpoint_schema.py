"""NL204, NL206-NL208: the checkpoint's schema, its read call, and whether a sync checkpoints at all."""

from __future__ import annotations

import re

from tree_sitter import Node

from nango_lint.checkers._zod import member_node, plain_scalar_problem
from nango_lint.engine import RuleContext
from nango_lint.findings import Edit, Fix
from nango_lint.model.syntax import FUNCTION_TYPES, call_callee, is_ancestor, text, unwrap

CHECKPOINT_METHODS = ("getCheckpoint", "saveCheckpoint", "clearCheckpoint")
SAVE_METHODS = ("batchSave", "batchUpdate", "batchDelete", "batchSend")


# ------------------------------------------------------------------ NL204 checkpoint-schema-not-flat


def checkpoint_schema_not_flat(ctx: RuleContext) -> None:
    model = ctx.model
    if not model.is_function_file:
        return
    schema = model.config_schema("checkpoint")
    if schema is None or not schema.known:
        return
    names = model.zod.names
    if not schema.is_object:
        problem = plain_scalar_problem(schema, ("object", "looseObject", "strictObject"), names)
        if problem is not None:
            ctx.report(model.config.key_node("checkpoint"), field="checkpoint", problem=f"the schema itself is {problem}")
        return
    for key, field in schema.fields.items():
        problem = plain_scalar_problem(field, ("string", "number", "boolean"), names)
        if problem is not None:
            ctx.report(member_node(schema, key), field=key, problem=f"it is {problem}")


# ------------------------------------------------------------------ NL206 checkpoint-type-argument


def checkpoint_type_argument(ctx: RuleContext) -> None:
    model = ctx.model
    for call in model.member_calls_named("getCheckpoint"):
        type_args = call.child_by_field_name("type_arguments")
        if type_args is None:
            continue
        callee = call_callee(call) if call is not None else None
        obj = unwrap(callee.child_by_field_name("object")) if callee is not None else None
        if obj is None or not model.is_nango_ref(obj):
            continue
        fix = Fix((Edit(type_args.start_byte, type_args.end_byte, ""),), "safe", "Remove the type argument")
        ctx.report(type_args, fix=fix, type=ctx.text(type_args))


# ------------------------------------------------------------------ NL207 unjustified-full-refresh


def unjustified_full_refresh(ctx: RuleContext) -> None:
    model = ctx.model
    if model.kind != "sync" or model.config is None:
        return
    if model.config.has("checkpoint") is not False:
        return
    if model.calls(*CHECKPOINT_METHODS):
        return
    if re.search(rb"\.(getCheckpoint|saveCheckpoint|clearCheckpoint)\s*[<(]", ctx.parsed.source):
        return  # called through something we did not resolve
    try:
        pattern = re.compile(ctx.options.full_refresh_justification)
    except re.error:
        return
    if any(pattern.search(c.text) for c in model.comments):
        return
    callee = model.create_call.child_by_field_name("function")
    ctx.report(callee)


# ------------------------------------------------------------------ NL208 checkpoint-not-saved-per-page


def checkpoint_not_saved_per_page(ctx: RuleContext) -> None:
    model = ctx.model
    saves = model.calls("saveCheckpoint")
    if not saves:
        return
    record_saves = model.calls(*SAVE_METHODS)
    if not record_saves:
        return
    for call in model.calls("paginate"):
        loop = _for_await_loop(ctx, call.node)
        if loop is None:
            continue
        body = loop.child_by_field_name("body")
        if body is None or not any(is_ancestor(body, s.node) for s in record_saves):
            continue
        if any(is_ancestor(loop, s.node) for s in saves):
            continue  # saved per page (inside the loop or in the config's on_page)
        fn = _function_of(loop)
        after = [s for s in saves if s.node.start_byte >= loop.end_byte and _function_of(s.node) is not None
                 and fn is not None and _function_of(s.node).id == fn.id]
        if not after:
            continue
        ctx.report(after[0].node, line=loop.start_point[0] + 1)


def _for_await_loop(ctx: RuleContext, call: Node) -> Node | None:
    """The ``for await (... of <call>)`` loop consuming a paginate call, directly or through a const."""
    node = call
    while node.parent is not None and node.parent.type in ("parenthesized_expression", "as_expression", "non_null_expression"):
        node = node.parent
    parent = node.parent
    if parent is None:
        return None
    if parent.type == "for_in_statement" and any(c.type == "await" for c in parent.children):
        return parent
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        scope = parent.parent.parent if parent.parent is not None else None
        if name is None or scope is None:
            return None
        for loop in _walk_type(scope, "for_in_statement"):
            right = unwrap(loop.child_by_field_name("right"))
            if right is not None and right.type == "identifier" and text(right) == text(name) and any(c.type == "await" for c in loop.children):
                return loop
    return None


def _walk_type(node: Node, type_: str):
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == type_:
            yield n
        stack.extend(n.named_children)


def _function_of(node: Node) -> Node | None:
    current = node.parent
    while current is not None:
        if current.type in FUNCTION_TYPES:
            return current
        current = current.parent
    return None
