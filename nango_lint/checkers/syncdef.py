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
    for node in ctx.captures("report"):
        use = ctx.model.nango_property_use(node)
        if use is not None:
            ctx.report(use[1], how="destructures" if use[0] == "destructure" else "reads")
