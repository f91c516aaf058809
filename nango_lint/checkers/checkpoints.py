"""NL2xx: checkpoints must be read before they are saved, and must change the provider request."""

from __future__ import annotations

from nango_lint.engine import RuleContext
from nango_lint.model.syntax import enclosing_function


def _source_mentions_call(ctx: RuleContext, method: str) -> bool:
    import re

    return re.search(rb"\." + method.encode() + rb"\s*[<(]", ctx.parsed.source) is not None



def save_checkpoint_without_get(ctx: RuleContext) -> None:
    model = ctx.model
    saves = model.calls("saveCheckpoint")
    if not saves:
        return
    gets = model.calls("getCheckpoint")
    if not gets:
        if _source_mentions_call(ctx, "getCheckpoint"):
            return  # read through something we cannot resolve: do not guess
        for save in saves:
            ctx.report(save.property_node)
        return
    # a save that precedes every read in its own function, when no other function reads the checkpoint
    fn_ids: dict[int, list] = {}
    for g in gets:
        fn = enclosing_function(g.node)
        fn_ids.setdefault(fn.id if fn is not None else 0, []).append(g)
    if len(fn_ids) != 1:
        return
    (fid, fgets), = fn_ids.items()
    first_get = min(g.node.start_byte for g in fgets)
    for save in saves:
        fn = enclosing_function(save.node)
        if fn is not None and fn.id == fid and save.node.start_byte < first_get and not save.loops:
            ctx.report(save.property_node)


def checkpoint_not_used(ctx: RuleContext) -> None:
    flow = ctx.model.checkpoint_flow
    for get in flow.gets:
        if flow.reaches_request(get):
            continue
        ctx.report(get.node)


def checkpoint_never_saved(ctx: RuleContext) -> None:
    model = ctx.model
    gets = model.calls("getCheckpoint")
    if not gets or model.calls("saveCheckpoint") or _source_mentions_call(ctx, "saveCheckpoint"):
        return
    ctx.report(gets[0].node)


def checkpoint_schema_missing(ctx: RuleContext) -> None:
    model = ctx.model
    if model.kind not in ("sync", "action", "on-event") or model.config is None:
        return
    uses = model.calls("getCheckpoint", "saveCheckpoint")
    has_schema = model.config.has("checkpoint")
    if uses and has_schema is False:
        ctx.report(uses[0].node, method=uses[0].method)
        return
    if has_schema and not model.calls("getCheckpoint") and not _source_mentions_call(ctx, "getCheckpoint"):
        from nango_lint.findings import Severity

        key = model.config.key_node("checkpoint")
        ctx.report(key, severity=None if ctx.spec.code in ctx.file.settings.severity_overrides else Severity.WARNING,
                   message="A `checkpoint` schema is declared but `nango.getCheckpoint()` is never called: read it at the start of the run, or remove the schema")
