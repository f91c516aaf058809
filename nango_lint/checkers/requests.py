"""NL103, NL105-NL108: how provider requests are made (retried writes, query strings, manual pagination loops,
unawaited nango calls, ``retryOn`` without ``retries``)."""

from __future__ import annotations

import re

from tree_sitter import Node

from nango_lint.engine import RuleContext
from nango_lint.model.function import NangoCall
from nango_lint.model.syntax import (
    FUNCTION_TYPES,
    TRANSPARENT_TYPES,
    is_ancestor,
    iter_descendants,
    number_value,
    string_value,
    text,
    unwrap,
)

# ------------------------------------------------------------------ NL103 retries-on-non-idempotent-write

IDEMPOTENCY_HEADERS = frozenset({"idempotency-key", "x-idempotency-key"})
# POST endpoints that read: searches, queries, list/lookup calls (`/v2/orders/search`, `/candidate.list`, `/query`)
READ_ENDPOINT_RE = re.compile(
    r"(?i:search)|(?i:(^|[/._-])(query|list|lookup|find|fetch|read|get|retrieve|filter|info|count)s?([/._:-]|$))"
    r"|[/.](list|get|find|search|lookup|read|query)[A-Z]|(?i:batch/read)"
    r"|(?i:(^|[/._-])(authorize|token|oauth2?|login)([/._-]|$))"  # fetching an access token
)
GRAPHQL_READ_RE = re.compile(r"^\s*(query\b|\{|fragment\b)")


def _request_method(call: NangoCall) -> str | None:
    """The HTTP method of a provider call: from the helper name, or the literal ``method`` of a proxy config.
    None when it cannot be known (a proxy whose method is not a literal)."""
    if call.method in ("get", "post", "put", "patch", "delete"):
        return call.method.upper()
    if call.method in ("proxy", "paginate"):
        cfg = call.config
        if cfg is None or not cfg.known:
            return None
        value = cfg.value("method")
        if value is None:
            return "GET" if cfg.has("method") is False else None
        literal = string_value(value)
        return literal.upper() if literal is not None else None
    return None


def retries_on_non_idempotent_write(ctx: RuleContext) -> None:
    model = ctx.model
    for call in model.provider_calls:
        if _request_method(call) not in ("POST", "PATCH"):
            continue
        cfg = call.config
        if cfg is None or not cfg.known:
            continue
        if call.method == "paginate" or _is_read_request(ctx, call):
            continue  # a POST that reads (search, GraphQL query, paginated list) is safe to retry
        value_node = cfg.value("retries")
        if value_node is None or cfg.obj.member("retries").type != "pair":
            continue
        retries = number_value(model.resolve_value(value_node))
        if retries is None or retries <= 0:
            continue
        if _has_idempotency_key(ctx, cfg) is not False:
            continue
        if _idempotent_body(ctx, call):
            continue  # an idempotency key in the body (`idempotency_key`) or a GraphQL `@idempotent` directive
        ctx.report(value_node, method=_request_method(call), retries=_fmt(retries))


def _is_read_request(ctx: RuleContext, call: NangoCall) -> bool:
    """POSTs that only read: in a sync (whose requests fetch data), a GraphQL ``query``, or a search/list/query
    endpoint. GraphQL mutations and other POSTs are writes."""
    cfg = call.config
    data = ctx.model.resolve_object(cfg.value("data"))
    query = data.value("query") if data is not None else None
    if query is not None:
        parts = _literal_parts(ctx, query)
        if parts:
            return GRAPHQL_READ_RE.match(parts[0]) is not None
        return False
    if _request_method(call) == "POST" and ctx.model.kind == "sync":
        return True
    endpoint = cfg.value("endpoint")
    parts = _literal_parts(ctx, endpoint) if endpoint is not None else None
    if parts:
        path = "\x00".join(parts).split("?")[0]
        return READ_ENDPOINT_RE.search(path) is not None
    return False


def _idempotent_body(ctx: RuleContext, call: NangoCall) -> bool:
    """An idempotency key in the request body: in the call, in the config's or body's declaration, or assigned to
    the body object later (``body.idempotency_key = ...``)."""
    if b"idempoten" in call.node.text.lower():
        return True
    cfg = call.config
    if cfg.declarator is not None and b"idempoten" in cfg.declarator.text.lower():
        return True
    data = unwrap(cfg.value("data"))
    if data is None:
        return False
    if data.type in ("identifier", "shorthand_property_identifier"):
        decl = ctx.model.resolve_declarator(data)
        if decl is not None and b"idempoten" in decl.text.lower():
            return True
        name = re.escape(text(data)).encode()
        pattern = re.compile(rb"\b" + name + rb"\s*(\.|\[\s*['\"`])\s*idempoten", re.IGNORECASE)
        return pattern.search(call.function.text) is not None
    return False


def _has_idempotency_key(ctx: RuleContext, cfg) -> bool | None:
    """True / False when the headers are fully known, None when they may hold anything (spread, parameter...)."""
    headers_value = cfg.value("headers")
    if headers_value is None:
        # no `headers` key: a spread in the config could still supply one
        return None if cfg.has("headers") is None else False
    headers = ctx.model.resolve_object(headers_value)
    if headers is None:
        return None
    if any(key.lower() in IDEMPOTENCY_HEADERS for key in headers.members):
        return True
    return None if headers.open else False


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


# ------------------------------------------------------------------ NL105 query-string-in-endpoint


def _literal_parts(ctx: RuleContext, node: Node | None, depth: int = 0) -> list[str] | None:
    """The literal text pieces of a string expression (string, template, ``+`` concatenation, same-file const).
    None when the expression is not a string we can see."""
    node = unwrap(node)
    if node is None or depth > 4:
        return None
    if node.type == "string":
        value = string_value(node)
        return [value] if value is not None else None
    if node.type == "template_string":
        return [text(c) for c in node.children if c.type in ("string_fragment", "escape_sequence")]
    if node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "+":
        left = _literal_parts(ctx, node.child_by_field_name("left"), depth + 1) or []
        right = _literal_parts(ctx, node.child_by_field_name("right"), depth + 1) or []
        return left + right
    if node.type in ("identifier", "shorthand_property_identifier"):
        decl = ctx.model.resolve_declarator(node)
        if decl is None or _is_let(decl):
            return None
        return _literal_parts(ctx, decl.child_by_field_name("value"), depth + 1)
    return None


def _is_let(decl: Node) -> bool:
    parent = decl.parent
    if parent is None:
        return True
    kind = parent.child_by_field_name("kind")
    return parent.type == "variable_declaration" or (kind is not None and text(kind) != "const")


def query_string_in_endpoint(ctx: RuleContext) -> None:
    for call in ctx.model.provider_calls:
        cfg = call.config
        if cfg is None or not cfg.known:
            continue
        endpoint = cfg.value("endpoint")
        if endpoint is None:
            continue
        parts = _literal_parts(ctx, endpoint)
        if not parts or not any("?" in p for p in parts):
            continue
        anchor = cfg.obj.member("endpoint") if cfg.obj.member("endpoint").type != "pair" else endpoint
        ctx.report(anchor, method=call.method)


# ------------------------------------------------------------------ NL106 manual-pagination-loop

HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "proxy"})
ITERATION_METHODS = frozenset({"map", "forEach", "flatMap", "filter", "reduce", "some", "every", "find", "findIndex"})


def manual_pagination_loop(ctx: RuleContext) -> None:
    model = ctx.model
    calls = [c for c in model.provider_calls if c.method in HTTP_METHODS]
    if not calls:
        return
    for loop in ctx.captures("report"):
        if loop.type == "for_statement" and not _is_endless_for(loop):
            continue
        inside = [c for c in calls if is_ancestor(loop, c.node) and _same_function(loop, c.node)]
        if not inside:
            continue
        if not any(_advances_request(ctx, loop, c) for c in inside):
            continue  # polling or retrying the same request, not paging through results
        keyword = loop.children[0]
        ctx.report(keyword, loop=_loop_label(loop), method=inside[0].method)


def _is_endless_for(loop: Node) -> bool:
    cond = loop.child_by_field_name("condition")
    return cond is None or cond.type == "empty_statement" or (cond.type == "expression_statement" and text(cond).strip(" ;") == "true")


def _loop_label(loop: Node) -> str:
    if loop.type == "do_statement":
        return "do…while"
    if loop.type == "for_statement":
        return "for (;;)"
    return "while (true)"


def _same_function(loop: Node, node: Node) -> bool:
    """The call runs in the loop's own function (not in a callback defined inside it that might never be called
    per iteration). Array callbacks such as ``items.map(async (x) => nango.get(...))`` still count: they run."""
    current = node.parent
    while current is not None and current.id != loop.id:
        if current.type in FUNCTION_TYPES:
            call = current.parent.parent if current.parent is not None and current.parent.type == "arguments" else None
            callee = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
            if callee is None or callee.type != "member_expression":
                return False
            if text(callee.child_by_field_name("property")) not in ITERATION_METHODS:
                return False
        current = current.parent
    return True


def _assigned_names(loop: Node) -> set[str]:
    """Names (or member roots: ``params.page = x`` -> ``params``) the loop assigns or increments."""
    names: set[str] = set()
    for node in iter_descendants(loop):
        target = None
        if node.type in ("assignment_expression", "augmented_assignment_expression"):
            target = node.child_by_field_name("left")
        elif node.type == "update_expression":
            target = node.child_by_field_name("argument")
        if target is None:
            continue
        target = unwrap(target)
        while target is not None and target.type in ("member_expression", "subscript_expression"):
            target = unwrap(target.child_by_field_name("object"))
        if target is not None and target.type == "identifier":
            names.add(text(target))
        elif target is not None and target.type in ("object_pattern", "array_pattern"):
            for sub in iter_descendants(target):
                if sub.type in ("identifier", "shorthand_property_identifier_pattern"):
                    names.add(text(sub))
    return names


def _advances_request(ctx: RuleContext, loop: Node, call: NangoCall) -> bool:
    """Does something the loop changes feed this request (a cursor, page, offset, next URL)? Polling loops that
    repeat one fixed request until a status flips do not."""
    assigned = _assigned_names(loop)
    if not assigned:
        return False
    roots = [call.node.child_by_field_name("arguments")]
    cfg = call.config
    if cfg is not None and cfg.declarator is not None and not is_ancestor(loop, cfg.declarator):
        roots.append(cfg.declarator)
    seen: set[int] = set()
    while roots:
        root = roots.pop()
        if root is None or root.id in seen:
            continue
        seen.add(root.id)
        for node in iter_descendants(root):
            if node.type in ("identifier", "shorthand_property_identifier"):
                name = text(node)
                if name in assigned:
                    return True
                # one hop through a same-file const built from loop state: `const url = `${base}?page=${page}``
                decl = ctx.model.resolve_declarator(node)
                if decl is not None and decl.id not in seen and is_ancestor(loop, decl):
                    roots.append(decl.child_by_field_name("value"))
    return False


# ------------------------------------------------------------------ NL107 unawaited-nango-call

ASYNC_METHODS = frozenset(
    {
        "proxy", "get", "post", "put", "patch", "delete", "uncontrolledFetch",
        "getConnection", "getToken", "getIntegration", "getWebhookURL",
        "getMetadata", "setMetadata", "updateMetadata", "getFieldMapping", "setFieldMapping",
        "getCheckpoint", "saveCheckpoint", "clearCheckpoint",
        "log", "getEnvironmentVariables",
        "triggerAction", "triggerSync", "startSync", "zodValidateInput",
        "tryAcquireLock", "releaseLock", "releaseAllLocks",
        "batchSave", "batchUpdate", "batchDelete", "batchSend", "getRecordsByIds", "setMergingStrategy",
        "trackDeletesStart", "trackDeletesEnd", "deleteRecordsFromPreviousExecutions",
    }
)
GENERATOR_METHODS = frozenset({"paginate", "listRecords"})
PROMISE_COMBINATORS = frozenset({"all", "allSettled", "race", "any"})
PROMISE_CHAIN = frozenset({"then", "catch", "finally"})


def _climb(node: Node) -> Node:
    """The outermost expression that is the same value (parentheses, casts, ``!``)."""
    while node.parent is not None and node.parent.type in TRANSPARENT_TYPES:
        node = node.parent
    return node


def _promise_fate(ctx: RuleContext, node: Node, depth: int = 0) -> str:
    """What happens to the promise ``node`` evaluates to: ``handled`` (awaited, returned, chained, collected by an
    awaited ``Promise.all``...), ``dropped`` (a statement of its own, or used as if it were the resolved value), or
    ``unknown`` (passed somewhere we cannot follow)."""
    node = _climb(node)
    parent = node.parent
    if parent is None or depth > 6:
        return "unknown"
    t = parent.type
    if t in ("await_expression", "return_statement", "yield_expression"):
        return "handled"
    if t == "arrow_function" and parent.child_by_field_name("body") is not None and parent.child_by_field_name("body").id == node.id:
        if _is_foreach_callback(parent):
            return "dropped"  # `items.forEach((i) => nango.log(i))`: forEach discards what the callback returns
        return "handled"  # `async () => nango.log(...)`: returned
    if t == "expression_statement":
        return "dropped"
    if t == "unary_expression" and text(parent.children[0]) == "void":
        return "unknown"  # an explicit fire-and-forget
    if t == "member_expression" and parent.child_by_field_name("object").id == node.id:
        prop = text(parent.child_by_field_name("property"))
        grand = parent.parent
        if prop in PROMISE_CHAIN and grand is not None and grand.type == "call_expression":
            return "handled"
        return "dropped"  # `nango.get(...).data`: reads the promise, not the response
    if t == "array" and parent.parent is not None and parent.parent.type == "arguments":
        call = parent.parent.parent
        if _is_promise_combinator(call):
            fate = _promise_fate(ctx, call, depth + 1)
            return "handled" if fate == "handled" else fate
        return "unknown"
    if t == "arguments":
        call = parent.parent
        if _is_promise_combinator(call):
            return _promise_fate(ctx, call, depth + 1)
        return "unknown"
    if t == "variable_declarator" and parent.child_by_field_name("value") is not None and parent.child_by_field_name("value").id == node.id:
        return _variable_fate(ctx, parent, depth)
    if t == "ternary_expression":
        cond = parent.child_by_field_name("condition")
        if cond is not None and cond.id == node.id:
            return "dropped"  # a promise is always truthy
        return _promise_fate(ctx, parent, depth + 1)
    if t == "if_statement" or (t == "parenthesized_expression" and parent.parent is not None and parent.parent.type == "if_statement"):
        return "dropped"
    return "unknown"


def _is_foreach_callback(fn: Node) -> bool:
    args = fn.parent
    call = args.parent if args is not None and args.type == "arguments" else None
    callee = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
    return callee is not None and callee.type == "member_expression" and text(callee.child_by_field_name("property")) == "forEach"


def _is_promise_combinator(call: Node | None) -> bool:
    if call is None or call.type != "call_expression":
        return False
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "member_expression":
        return False
    return text(fn.child_by_field_name("object")) == "Promise" and text(fn.child_by_field_name("property")) in PROMISE_COMBINATORS


def _references(ctx: RuleContext, decl: Node) -> list[Node]:
    """Identifier references to a declarator's name that resolve to it (after the declaration)."""
    name_node = decl.child_by_field_name("name")
    if name_node is None or name_node.type != "identifier":
        return []
    name = text(name_node)
    scope = decl.parent.parent if decl.parent is not None else None
    if scope is None:
        return []
    refs = []
    for node in ctx.model.references(name, scope):
        if node.id == name_node.id or node.start_byte < decl.start_byte:
            continue
        resolved = ctx.model.resolve_declarator(node)
        if resolved is not None and resolved.id == decl.id:
            refs.append(node)
    return refs


def _variable_fate(ctx: RuleContext, decl: Node, depth: int) -> str:
    """``const p = nango.get(...)``: handled when some use awaits or hands the promise on; dropped when every use
    treats it as the resolved value (``p.data``) or there is none."""
    if decl.child_by_field_name("name").type != "identifier":
        return "dropped"  # `const { data } = nango.get(...)` destructures the promise
    refs = _references(ctx, decl)
    if not refs:
        return "dropped"
    return _combined([_promise_fate(ctx, ref, depth + 1) for ref in refs])


def _combined(fates: list[str]) -> str:
    """All uses drop the promise: dropped; any hands it on: handled; else unknown."""
    if all(f == "dropped" for f in fates):
        return "dropped"
    return "handled" if "handled" in fates else "unknown"


def _generator_fate(ctx: RuleContext, node: Node, depth: int = 0) -> str:
    """``handled`` when consumed by ``for await`` (or handed on), ``dropped`` when discarded or iterated with a
    plain ``for ... of`` (which throws: an async generator is not iterable)."""
    node = _climb(node)
    parent = node.parent
    if parent is None or depth > 4:
        return "unknown"
    t = parent.type
    if t == "for_in_statement" and parent.child_by_field_name("right") is not None and parent.child_by_field_name("right").id == node.id:
        is_await = any(c.type == "await" for c in parent.children)
        return "handled" if is_await else "dropped"
    if t == "expression_statement":
        return "dropped"
    if t == "variable_declarator" and parent.child_by_field_name("name").type == "identifier":
        refs = _references(ctx, parent)
        if not refs:
            return "dropped"
        return _combined([_generator_fate(ctx, ref, depth + 1) for ref in refs])
    return "unknown"


def unawaited_nango_call(ctx: RuleContext) -> None:
    for call in ctx.model.nango_calls:
        if call.awaited_by_misparse:
            continue  # `await nango.get<T>(...)`, which tree-sitter parses with the await inside the callee
        if call.method in ASYNC_METHODS:
            if _promise_fate(ctx, call.node) == "dropped":
                ctx.report(call.node, method=call.method,
                           how="is not awaited: its promise is dropped, so errors are lost and the run may end before it completes")
        elif call.method in GENERATOR_METHODS:
            if _generator_fate(ctx, call.node) == "dropped":
                ctx.report(call.node, method=call.method,
                           how="returns an async generator that is never consumed with `for await (const page of ...)`")


# ------------------------------------------------------------------ NL108 retry-on-without-retries


def retry_on_without_retries(ctx: RuleContext) -> None:
    for call in ctx.model.provider_calls:
        cfg = call.config
        if cfg is None or not cfg.known:
            continue
        if cfg.has("retryOn") and cfg.has("retries") is False:
            ctx.report(cfg.obj.key_node("retryOn"), method=call.method)
