"""NL6xx: what the runtime sandbox and the compile step allow (imports, globals, console, nango internals)."""

from __future__ import annotations

from tree_sitter import Node

from nango_lint.engine import RuleContext
from nango_lint.findings import Edit, Fix
from nango_lint.model.names import in_type_position
from nango_lint.model.syntax import FUNCTION_TYPES, string_value, text

# Globals the sandbox's vm context does not define (research: nango-function-model.md §9, verified in node:vm).
UNAVAILABLE_GLOBALS = frozenset(
    {
        "fetch", "process", "btoa", "atob", "TextEncoder", "TextDecoder", "clearTimeout", "setInterval",
        "setImmediate", "queueMicrotask", "structuredClone", "AbortController", "performance", "crypto", "Blob",
        "FormData", "Headers", "Response",
    }
)
GLOBAL_OBJECTS = frozenset({"globalThis", "global", "window", "self"})

# Properties the function facade blocks: reading or writing them throws `Access to "<name>" is not allowed.`
# (FUNCTION_BLOCKED_PROPERTIES in NangoHQ/nango packages/runner/lib/sdk/sdk.ts, since 0.70.9).
BLOCKED_NANGO_PROPERTIES = frozenset(
    {
        "nango", "persistClient", "telemetryRecorder", "locking", "checkpointing", "checkpointKey",
        "integrationConfig", "memoizedConnections", "memoizedIntegration", "attributes", "telemetryBag",
        "abortSignal", "lifecycle", "getProxyConfig", "throwIfAbortedOrKilled", "throwIfInterrupted", "shouldLog",
        "validateRecords", "removeMetadata", "modelFullName", "sendLogToPersist", "logAPICall", "getMergingStrategy",
        "setMergingStrategyByModel", "trackDeletesKey", "fetchRecordsPage", "getCheckpointRange",
        "clearRecordsIfNeeded", "batchSize", "getRecordsBatchSize", "mergingByModel", "httpLogSample", "__proto__",
        "constructor",
    }
)

LOG_LEVELS = {"log": None, "info": None, "warn": "warn", "error": "error", "debug": "debug"}


def is_relative(source: str) -> bool:
    return source.startswith("./") or source.startswith("../") or source in (".", "..")


# ---------------------------------------------------------------------------------------------------- NL601 / NL602
def _import_statements(ctx: RuleContext):
    for stmt in ctx.model.caps.get("m.import", []):
        src = stmt.child_by_field_name("source")
        req = next((c for c in stmt.named_children if c.type == "import_require_clause"), None)
        if req is not None:
            src = next((c for c in req.named_children if c.type == "string"), None)
        source = string_value(src) if src is not None else None
        if source is None:
            continue
        yield stmt, src, source, req


def disallowed_import(ctx: RuleContext) -> None:
    allowed = set(ctx.options.allowed_imports)
    for stmt, src, source, req in _import_statements(ctx):
        if req is not None:
            ctx.report(stmt, message=f"`import ... = require('{source}')` is not a static ES import: the bundler does "
                                     f"not check it and the sandbox's `require` only knows a few modules; use `import` from an allowed package")
            continue
        if is_relative(source) or source in allowed:
            continue
        if _declaration_type_only(stmt):
            continue  # `import type` is erased and exempt from the compile check
        ctx.report(src, source=source, allowed=", ".join(sorted(allowed)))
    for call in ctx.model.plain_calls("require", "import"):
        fn = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        source = string_value(first)
        shown = f"'{source}'" if source is not None else "..."
        if in_type_position(call):
            continue  # `typeof import('nango').X`, `satisfies import('nango').ProxyConfiguration`: types only
        if fn is not None and fn.type == "import":
            ctx.report(call, message=f"Dynamic `import({shown})` is not supported in a Nango function: use a static import from an allowed package")
        elif fn is not None and fn.type == "identifier" and text(fn) == "require" and ctx.model.names.is_global_ref(fn):
            ctx.report(call, message=f"`require({shown})` is not checked by `nango compile` and fails in the sandbox "
                                     f"for most modules: use a static `import` from an allowed package")


def _declaration_type_only(stmt: Node) -> bool:
    return any(c.type == "type" for c in stmt.children)


def relative_import(ctx: RuleContext) -> None:
    if not ctx.model.is_function_file:
        return
    for stmt, src, source, req in _import_statements(ctx):
        if is_relative(source):
            ctx.report(src, source=source)


# ---------------------------------------------------------------------------------------------------- NL603
def unavailable_runtime_global(ctx: RuleContext) -> None:
    names = ctx.model.names
    for node in ctx.captures("report"):
        name = text(node)
        if name in ("eval",):
            if names.is_global_ref(node):
                ctx.report(node, message="`eval` throws `EvalError` in the Nango sandbox (code generation from strings is disabled)")
            continue
        if name == "Function":
            parent = node.parent
            ok_position = parent is not None and (
                (parent.type == "new_expression" and parent.child_by_field_name("constructor") == node)
                or (parent.type == "call_expression" and parent.child_by_field_name("function") == node)
            )
            if ok_position and names.is_global_ref(node):
                ctx.report(parent, message="`Function(...)` throws `EvalError` in the Nango sandbox (code generation from strings is disabled)")
            continue
        if name in GLOBAL_OBJECTS:
            # globalThis.fetch(...)
            parent = node.parent
            if parent is None or parent.type != "member_expression" or parent.child_by_field_name("object") != node:
                continue
            prop = text(parent.child_by_field_name("property"))
            if prop in UNAVAILABLE_GLOBALS and names.is_global_ref(node):
                ctx.report(parent, name=f"{name}.{prop}")
            continue
        if name in UNAVAILABLE_GLOBALS and names.is_global_ref(node):
            ctx.report(node, name=name)


# ---------------------------------------------------------------------------------------------------- NL604
def console_call(ctx: RuleContext) -> None:
    model = ctx.model
    for call in model.member_calls_on("console"):
        callee = call.child_by_field_name("function")
        obj = callee.child_by_field_name("object") if callee is not None else None
        if obj is None or text(obj) != "console" or not model.names.is_global_ref(obj):
            continue
        method = text(callee.child_by_field_name("property"))
        fix = _console_fix(ctx, call, callee, method)
        ctx.report(callee, fix=fix, method=method)


def _console_fix(ctx: RuleContext, call: Node, callee: Node, method: str) -> Fix | None:
    """``console.x(args)`` -> ``await nango.log(args)`` only where that is legal and keeps the meaning:

    the call is a statement of its own (nothing uses its value), its innermost function is ``async`` (so ``await``
    is legal there: a nested non-async callback is not) and a nango object is in scope at that point."""
    if method not in LOG_LEVELS:
        return None
    stmt = call.parent
    if stmt is None or stmt.type != "expression_statement":
        return None
    fn = _innermost_function(call)
    if fn is None or not _is_async(fn):
        return None
    nango = _nango_in_scope(ctx, call)
    if nango is None:
        return None
    args = call.child_by_field_name("arguments")
    if args is None or args.type != "arguments":
        return None  # tagged template etc.
    arg_nodes = [a for a in args.named_children if a.type != "comment"]
    if not arg_nodes or any(a.type == "spread_element" for a in arg_nodes):
        return None
    edits = [Edit(call.start_byte, callee.end_byte, f"await {nango}.log")]
    level = LOG_LEVELS[method]
    if level is not None:
        if len(arg_nodes) != 1:
            return None  # a trailing `{ level }` would be read as a payload after several arguments
        last = arg_nodes[-1]
        edits.append(Edit(last.end_byte, last.end_byte, f", {{ level: '{level}' }}"))
    return Fix(tuple(edits), "unsafe", f"Replace with `await {nango}.log(...)`")


def _innermost_function(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None:
        if parent.type in FUNCTION_TYPES:
            return parent
        if parent.type in ("class_static_block",):
            return None
        parent = parent.parent
    return None


def _is_async(fn: Node) -> bool:
    for c in fn.children:
        if c.type == "async":
            return True
        if c.type in ("formal_parameters", "statement_block", "identifier", "property_identifier"):
            break
    return False


def _nango_in_scope(ctx: RuleContext, at: Node) -> str | None:
    for name in sorted(ctx.model.nango_names):
        if ctx.model.nango_binding_at(name, at) is not None:
            return name
    return None


# ---------------------------------------------------------------------------------------------------- NL605
def blocked_nango_property(ctx: RuleContext) -> None:
    for node in ctx.captures("report"):
        use = ctx.model.nango_property_use(node)
        if use is None:
            continue
        how, target = use
        name = string_value(node.parent) if node.type == "string_fragment" else text(node)
        if name in BLOCKED_NANGO_PROPERTIES:
            ctx.report(target, name=name)
