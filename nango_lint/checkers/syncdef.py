"""NL4xx: the sync definition (config fields and deprecated sync APIs)."""

from __future__ import annotations

from nango_lint.engine import RuleContext
from nango_lint.model.syntax import string_value


def incremental_sync_type(ctx: RuleContext) -> None:
    config = ctx.model.config
    if config is None:
        return
    value = config.value("syncType")
    if value is not None and string_value(value) == "incremental":
        ctx.report(config.member("syncType"))


def last_sync_date(ctx: RuleContext) -> None:
    """``nango.lastSyncDate`` and ``const { lastSyncDate } = nango``, with nango resolved by scope. The bare word is
    fine: templates use ``lastSyncDate`` as a checkpoint field name."""
    model = ctx.model
    for node in ctx.captures("report"):
        parent = node.parent
        if parent is None:
            continue
        if parent.type == "member_expression":
            obj = parent.child_by_field_name("object")
            if obj is not None and model.is_nango_ref(obj):
                ctx.report(parent, how="reads")
            continue
        # destructuring: the name must sit in an object pattern whose declarator value is the nango object
        decl = parent
        in_pattern = False
        while decl is not None and decl.type != "variable_declarator":
            in_pattern = in_pattern or decl.type == "object_pattern"
            decl = decl.parent
        if not in_pattern:
            continue
        if decl is None:
            continue
        value = decl.child_by_field_name("value")
        if value is not None and model.is_nango_ref(value):
            ctx.report(node, how="destructures")
