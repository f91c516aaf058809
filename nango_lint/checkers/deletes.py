"""NL3xx: deletion detection (``trackDeletesStart``/``trackDeletesEnd``) used where it is safe."""

from __future__ import annotations

import re

from nango_lint.engine import RuleContext
from nango_lint.model.function import NangoCall
from nango_lint.model.syntax import enclosing_function, string_value, template_prefix, text

TRACK = ("trackDeletesStart", "trackDeletesEnd")
BATCH = ("batchSave", "batchUpdate", "batchDelete")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _norm(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


def _track_calls(ctx: RuleContext) -> list[NangoCall]:
    return ctx.model.calls(*TRACK)


def _resolved_all(ctx: RuleContext, method: str, resolved: int) -> bool:
    """True when every textual ``.method(`` call in the file was resolved to nango (nothing hidden)."""
    return len(re.findall(rb"\." + method.encode() + rb"\s*[<(]", ctx.parsed.source)) <= resolved


def _changed_since_key(ctx: RuleContext, path: tuple[str, ...]) -> str | None:
    params = {_norm(p) for p in ctx.options.changed_only_params}
    for key in reversed(path):
        for word in _WORD.findall(key):
            if _norm(word) in params:
                return key
    return None


def track_deletes_with_changed_only_checkpoint(ctx: RuleContext) -> None:
    model = ctx.model
    if model.kind not in ("sync", "legacy", "module"):
        return
    tracks = [c for c in _track_calls(ctx) if c.method == "trackDeletesStart"] or _track_calls(ctx)
    if not tracks:
        return
    flow = model.checkpoint_flow
    reason = None
    params = {_norm(p) for p in ctx.options.changed_only_params}
    endpoints = tuple(e.lower() for e in ctx.options.changed_only_endpoints)
    # in source order, so the reason cites the first changed-since key/value in the file
    for use in sorted(flow.request_uses(), key=lambda u: (u.anchor or u.node).start_byte):
        key = _changed_since_key(ctx, use.path)
        if key is not None and "endpoint" not in use.path:
            # the line of the key/value that carries the checkpoint, not of the config object around it
            where = use.anchor if use.anchor is not None else use.node
            reason = f"its request sends the checkpoint as `{key}` (line {where.start_point[0] + 1})"
            break
        cfg = use.call.config if use.call is not None else None
        endpoint = cfg.value("endpoint") if cfg is not None else None
        prefix = template_prefix(endpoint) if endpoint is not None else None
        if prefix is not None:
            for m in re.finditer(r"[?&]([A-Za-z0-9_\[\].-]+)=\x00", prefix):
                if any(_norm(w) in params for w in _WORD.findall(m.group(1))):
                    reason = f"its endpoint filters on `{m.group(1)}` from the checkpoint (line {endpoint.start_point[0] + 1})"
                    break
            if reason:
                break
            path_part = prefix.split("?", 1)[0].lower()
            for ep in endpoints:
                if path_part.rstrip("/").endswith(ep) or (ep + "/") in path_part or (ep + "\x00") in path_part:
                    reason = f"it reads the changed-records endpoint `{string_value(endpoint) or text(endpoint)}` with checkpoint state (line {endpoint.start_point[0] + 1})"
                    break
            if reason:
                break
    if reason is None:
        return
    for call in tracks:
        ctx.report(call.property_node, method=call.method, reason=reason)


def track_deletes_with_explicit_deletes(ctx: RuleContext) -> None:
    deletes = ctx.model.calls("batchDelete")
    if not deletes:
        return
    line = deletes[0].node.start_point[0] + 1
    for call in _track_calls(ctx):
        ctx.report(call.property_node, method=call.method, line=line)


def deprecated_delete_detection(ctx: RuleContext) -> None:
    for call in ctx.model.calls("deleteRecordsFromPreviousExecutions"):
        ctx.report(call.property_node)


def _model_of(call: NangoCall) -> str | None:
    return call.string_arg(0)


def track_deletes_unbalanced(ctx: RuleContext) -> None:
    calls = _track_calls(ctx)
    if not calls:
        return
    starts = [c for c in calls if c.method == "trackDeletesStart"]
    ends = [c for c in calls if c.method == "trackDeletesEnd"]
    # If any call hides its model (a variable) or is made through an unresolved receiver, pairing is unknown.
    if any(_model_of(c) is None for c in calls):
        return
    if not _resolved_all(ctx, "trackDeletesStart", len(starts)) or not _resolved_all(ctx, "trackDeletesEnd", len(ends)):
        return
    by_model: dict[str, dict[str, list[NangoCall]]] = {}
    for c in calls:
        by_model.setdefault(_model_of(c), {"trackDeletesStart": [], "trackDeletesEnd": []})[c.method].append(c)
    for model_name, group in by_model.items():
        s, e = group["trackDeletesStart"], group["trackDeletesEnd"]
        if s and not e:
            ctx.report(s[0].property_node, message=f"`trackDeletesStart('{model_name}')` has no matching `trackDeletesEnd('{model_name}')`: deletions are never detected")
        if e and not s:
            ctx.report(e[0].property_node, message=f"`trackDeletesEnd('{model_name}')` without `trackDeletesStart('{model_name}')`: it throws at runtime")
        for dup in s[1:]:
            ctx.report(dup.property_node, message=f"`trackDeletesStart('{model_name}')` is called more than once (first on line {s[0].node.start_point[0] + 1})")
        for dup in e[1:]:
            ctx.report(dup.property_node, message=f"`trackDeletesEnd('{model_name}')` is called more than once (first on line {e[0].node.start_point[0] + 1})")
        if s and e and _same_function(s[0], e[0]) and e[0].node.start_byte < s[0].node.start_byte:
            ctx.report(e[0].property_node, message=f"`trackDeletesEnd('{model_name}')` comes before `trackDeletesStart('{model_name}')` (line {s[0].node.start_point[0] + 1})")



def _same_function(a: NangoCall, b: NangoCall) -> bool:
    fa, fb = enclosing_function(a.node), enclosing_function(b.node)
    return fa is not None and fb is not None and fa.id == fb.id


def track_deletes_misplaced(ctx: RuleContext) -> None:
    model = ctx.model
    calls = _track_calls(ctx)
    if not calls:
        return
    work = [c for c in model.nango_calls if c.method in BATCH]
    for call in calls:
        fn = enclosing_function(call.node)
        same_fn = [w for w in work if enclosing_function(w.node) is not None and fn is not None and enclosing_function(w.node).id == fn.id]
        if call.method == "trackDeletesStart":
            before = [w for w in same_fn if w.method in BATCH and w.node.start_byte < call.node.start_byte]
            if before:
                first = before[0]
                ctx.report(call.property_node, message=f"`trackDeletesStart()` comes after records were saved (`nango.{first.method}` on line {first.node.start_point[0] + 1}): records saved before the window opens are deleted by `trackDeletesEnd()`")
            continue
        # trackDeletesEnd
        catch = [part for _, part in call.try_context() if part == "catch"]
        if catch:
            ctx.report(call.property_node, message="`trackDeletesEnd()` inside a `catch` block: a failed run would delete every record it did not reach")
            continue
        if call.loops and not _exits_loop_after(call):
            ctx.report(call.property_node, message="`trackDeletesEnd()` inside a loop: call it once, after the last page has been saved")
            continue
        saves_after = [w for w in same_fn if w.method in BATCH and w.node.start_byte > call.node.start_byte]
        if saves_after:
            ctx.report(call.property_node, message=f"`trackDeletesEnd()` comes before a later save (`nango.{saves_after[0].method}` on line {saves_after[0].node.start_point[0] + 1}): call it after the last save")
            continue



def _exits_loop_after(call: NangoCall) -> bool:
    """``if (!next) { trackDeletesEnd(); return; }`` inside a paging loop runs once, after the last page."""
    loop = call.loops[0]
    node, parent = call.node, call.node.parent
    while parent is not None and parent.id != loop.id:
        if parent.type == "statement_block" and parent.parent is not None and parent.parent.type in ("if_statement", "else_clause"):
            for stmt in parent.named_children:
                if stmt.start_byte > call.node.start_byte and stmt.type in ("return_statement", "break_statement"):
                    return True
        node, parent = parent, parent.parent
    return False

