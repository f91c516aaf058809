"""NL5xx: actions (createAction): required schemas, errors, file transfers, list pagination, sync-only calls."""

from __future__ import annotations

import re

from tree_sitter import Node

from nango_lint.checkers._paths import function_name
from nango_lint.engine import RuleContext
from nango_lint.model.function import NangoCall
from nango_lint.model.syntax import FUNCTION_TYPES, first_param, iter_descendants, param_type_name, string_value, text, unwrap

SYNC_ONLY_METHODS = frozenset(
    {
        "batchSave", "batchUpdate", "batchDelete", "batchSend", "trackDeletesStart", "trackDeletesEnd", "listRecords",
        "getRecordsByIds", "setMergingStrategy", "deleteRecordsFromPreviousExecutions",
    }
)
FILE_MODULES = frozenset({"fs", "node:fs", "fs/promises", "node:fs/promises", "axios", "form-data", "node-fetch", "got"})
BINARY_RESPONSE_TYPES = frozenset({"arraybuffer", "blob", "stream"})


def _missing_schema(ctx: RuleContext, key: str) -> None:
    model = ctx.model
    if model.kind != "action" or model.config is None:
        return
    if model.config.has(key) is not False:
        return
    ctx.report(model.create_call.child_by_field_name("function"))


def action_missing_input(ctx: RuleContext) -> None:
    _missing_schema(ctx, "input")


def action_missing_output(ctx: RuleContext) -> None:
    _missing_schema(ctx, "output")


# ---------------------------------------------------------------------------------------------------- NL503
def imported_action_error(ctx: RuleContext) -> None:
    """Value uses of a bare ``ActionError`` (``new``, ``instanceof``, calls) that is a global or an import from
    'nango': it is a type-only export there. A class of the file or of a relative helper is fine."""
    from nango_lint.model.names import _in_type

    names = ctx.model.names
    flagged_imports: set[int] = set()
    for node in ctx.captures("report"):
        parent = node.parent
        if parent is None or parent.type in ("import_specifier", "import_clause", "namespace_import", "export_specifier"):
            continue
        if _in_type(node):
            continue
        use = _value_use(node)
        if use is None:
            continue
        imp = names.import_of(node)
        if imp is not None and not _from_nango(imp.source):
            continue  # a class of the project's own helper module
        if imp is None and names.is_bound(text(node), node):
            continue  # a local class or variable named ActionError
        ctx.report(use, message="`ActionError` is not a value here: it is a type-only export of 'nango' (and not a "
                                "global), so this fails to compile. Use `nango.ActionError` (`throw new nango.ActionError(payload)`)")
        if imp is not None and not imp.type_only and imp.node.id not in flagged_imports:
            flagged_imports.add(imp.node.id)
            ctx.report(imp.node.parent if imp.node.parent is not None else imp.node)


def _value_use(node: Node) -> Node | None:
    parent = node.parent
    if parent.type == "new_expression" and parent.child_by_field_name("constructor") == node:
        return parent
    if parent.type == "call_expression" and parent.child_by_field_name("function") == node:
        return parent
    if parent.type == "binary_expression" and parent.child_by_field_name("right") == node and text(parent.child_by_field_name("operator")) == "instanceof":
        return parent
    return None


def _from_nango(source: str) -> bool:
    return source in ("nango", "nango/experimental") or source.startswith("@nangohq/")


# ---------------------------------------------------------------------------------------------------- NL504
def file_transfer_in_action(ctx: RuleContext) -> None:
    model = ctx.model
    if model.kind != "action":
        return
    names = model.names
    for imp in names.imports.values():
        if imp.source in FILE_MODULES and not imp.type_only:
            src = imp.statement.child_by_field_name("source")
            ctx.report(src or imp.statement, what=f"the '{imp.source}' module")
    for node in ctx.captures("report"):
        parent = node.parent
        if parent is None or parent.type != "new_expression" or parent.child_by_field_name("constructor") != node:
            continue
        if names.is_global_ref(node):
            ctx.report(parent, what=f"`new {text(node)}()`")
    for call in model.provider_calls:
        cfg = call.config
        if cfg is None or not cfg.known:
            continue
        rt = cfg.value("responseType")
        value = string_value(model.resolve_value(rt)) if rt is not None else None
        if value in BINARY_RESPONSE_TYPES:
            ctx.report(rt, what=f"`responseType: '{value}'`")
        headers = model.resolve_object(cfg.value("headers"))
        if headers is not None:
            for key, member in headers.members.items():
                if key.lower() != "content-type":
                    continue
                v = string_value(model.resolve_value(headers.value(key))) or ""
                if v.lower().startswith("multipart/"):
                    ctx.report(member, what="a multipart request body")


# ---------------------------------------------------------------------------------------------------- NL505
CURSOR_INPUT_RE = re.compile(
    r"(?i)(cursor|(page|next|continuation|sync|skip|pagination)_?token$|^token$|offset|^page$|^page_?(number|num|no|index)$|"
    r"^after$|^before$|^(starting|ending)_?(after|before)$|^skip$|^next|continuation|^since_?id$|^marker$|"
    r"^bookmark$|^start_?(index|row|at)$|^page_?info$|^link$|index$)"
)
# ambiguous names: a cursor when numeric (`start: 100`), a date filter when a string (`start: '2026-01-01'`)
NUMERIC_CURSOR_INPUTS = frozenset({"start", "skip", "position"})
NEXT_OUTPUT_RE = re.compile(
    r"(?i)(cursor|^next|page_?token|continuation|offset|^has_?more$|^more$|^page_?info$|^bookmark$|^marker$|"
    r"^pagination$|^paging$|^links?$|^page$|token$|^(is_?)?last_?page$|^is_?last$|total_?pages|^total(_?count)?$|"
    r"^count$|^(starting_?)?after$|page_?count$|^total_?(items|results|records)$)"
)
LIST_NAME_RE = re.compile(r"^list(?:[-_]|[A-Z])")


def list_action_without_cursor(ctx: RuleContext) -> None:
    model = ctx.model
    if model.kind != "action" or model.config is None:
        return
    named_list = bool(LIST_NAME_RE.match(function_name(ctx.path)))
    if not named_list and b"items" not in ctx.parsed.source:
        return
    output = model.config_schema("output")
    inp = model.config_schema("input")
    if output is None or not output.known or inp is None or not inp.known:
        return
    items = output.fields.get("items") if output.is_object else None
    has_items_array = items is not None and items.base == "array"
    if not named_list and not has_items_array:
        return
    if not named_list and "items" in inp.fields:
        return  # a batch operation echoing its items, not a list
    declares_cursor = any(_is_cursor_input(k, f) for k, f in inp.fields.items())
    if not declares_cursor and not _provider_paginates(ctx):
        return  # one request without paging parameters (or none we can see): the provider returns the whole list
    if output.base == "array" and not output.wrappers:
        anchor = model.config.member("output")
        ctx.report(anchor, message="A list action that returns a bare array cannot be paginated: return an object "
                                   "with the items and a next-cursor field (`next_cursor`/`nextCursor`), and accept a `cursor` input")
        return
    if not output.is_object or output.open:
        return
    if named_list and not _has_array_field(output):
        return  # a `list-*` action returning a single object or a count: nothing to paginate
    missing = []
    out_keys = _keys(output, nested=True)
    # an input named like the output's next marker (`nextSIndex` -> `sIndex`) is the cursor, whatever its name
    echoed = {re.sub(r"^next_?", "", k).lower() for k in out_keys if re.match(r"(?i)^next", k)}
    if inp.is_object and not inp.open and not any(
        _is_cursor_input(k, f) or k.lstrip("$").lower() in echoed for k, f in inp.fields.items()
    ):
        missing.append("a `cursor` input")
    if not any(NEXT_OUTPUT_RE.search(k.lstrip("$@")) for k in out_keys):
        missing.append("a next-cursor output field")
    if not missing:
        return
    anchor = model.config.member("input") if missing[0].endswith("input") else model.config.member("output")
    ctx.report(anchor, missing=" and ".join(missing))


def _is_cursor_input(key: str, field) -> bool:
    key = key.lstrip("$")
    if CURSOR_INPUT_RE.search(key):
        return True
    return key.lower() in NUMERIC_CURSOR_INPUTS and field.base in ("number", "int")


PAGING_PARAM_RE = re.compile(
    r"(?i)^(\$?skip|\$?skiptoken|page|page_?number|page_?index|page_?token|offset|cursor|after|before|starting_?after|"
    r"ending_?before|start_?index|start_?at|since_?id|continuation_?token|next_?page_?token|marker|page\[.*\])$"
)
PAGING_TEXT_RE = re.compile(
    r"(?i)(has_?more|next_?page|nextlink|next_?cursor|next_?page_?token|next_?token|odata\.nextlink|paging|"
    r"pagination|total_?pages|is_?last|continuation)"
)
LOOP_PAGING_RE = re.compile(r"(?i)(page|cursor|offset|next|has_?more|after|skip|continuation|marker|\bfrom\b)")


def _provider_paginates(ctx: RuleContext) -> bool:
    """Does the action page through the provider (paginate, a loop of requests, paging parameters, or reading a
    next-page marker)? A single plain request is taken to return the whole list."""
    model = ctx.model
    calls = model.provider_calls
    for call in calls:
        if call.method == "paginate":
            return True
        if any(LOOP_PAGING_RE.search(ctx.text(loop)) for loop in call.loops):
            return True  # a loop of requests that moves a page marker (not a status-polling loop)
        cfg = call.config
        if cfg is None or not cfg.known:
            continue
        for key in ("params", "data"):
            obj = model.resolve_object(cfg.value(key))
            if obj is None:
                continue
            if any(PAGING_PARAM_RE.match(k) for k in obj.members):
                return True
        endpoint = cfg.value("endpoint")
        if endpoint is not None and re.search(r"[?&](page|limit|offset|cursor|per_page|top|skip)\b", ctx.text(endpoint), re.I):
            return True
    for assign in model.caps.get("m.member_assign", []):  # params.limit = 50; params['cursor'] = c
        left = assign.child_by_field_name("left")
        key = left.child_by_field_name("property") if left.type == "member_expression" else left.child_by_field_name("index")
        name = string_value(key) if key is not None and key.type == "string" else text(key)
        if name and PAGING_PARAM_RE.match(name):
            return True
    exec_fn = model._as_function(model.config.value("exec")) if model.config is not None else None
    return exec_fn is not None and PAGING_TEXT_RE.search(ctx.text(exec_fn)) is not None


def _keys(schema, nested: bool) -> list[str]:
    """Field names of an object schema, plus those of its object-valued fields (``meta: {next_page_token}``)."""
    keys = list(schema.fields)
    if nested:
        for sub in schema.fields.values():
            if sub.known and sub.base in ("object", "looseObject", "strictObject"):
                keys.extend(sub.fields)
    return keys


def _has_array_field(schema) -> bool:
    return any(f.base == "array" or "array" in f.chain for f in schema.fields.values())


# ---------------------------------------------------------------------------------------------------- NL506
def sync_only_call_in_action(ctx: RuleContext) -> None:
    model = ctx.model
    for call in model.nango_calls:
        if call.method not in SYNC_ONLY_METHODS:
            continue
        if not _action_nango(model, call):
            continue
        ctx.report(call.property_node, method=call.method)


def _action_nango(model, call: NangoCall) -> bool:
    tname = param_type_name(first_param(call.function)) or ""
    if "Sync" in tname:
        return False
    if "Action" in tname:
        return True
    return model.kind in ("action", "on-event") and _is_config_function(model, call.function)


def _is_config_function(model, fn: Node) -> bool:
    if model.config is None:
        return False
    for key in ("exec", "onWebhook"):
        if model._as_function(model.config.value(key)) is fn:
            return True
        value = model.config.value(key)
        if value is not None and value.id == fn.id:
            return True
    return False


# ---------------------------------------------------------------------------------------------------- NL507
NON_NULL_BASES = frozenset(
    {
        "object", "looseObject", "strictObject", "string", "number", "boolean", "array", "enum", "nativeEnum",
        "record", "void", "undefined", "date", "bigint", "tuple", "int", "email", "url", "uuid", "iso",
    }
)


_RETURN_NULL = re.compile(rb"\breturn[\s(]*null\b")


def null_return_not_allowed(ctx: RuleContext) -> None:
    model = ctx.model
    if model.kind != "action" or model.config is None or b"null" not in ctx.parsed.source:
        return
    output = model.config_schema("output")
    if output is None or not output.known or output.nullable or output.base not in NON_NULL_BASES:
        return
    if any(m in ("or", "catch", "transform", "pipe", "preprocess") for m in output.chain):
        return
    fn = model._as_function(model.config.value("exec"))
    if fn is None:
        return
    body = fn.child_by_field_name("body")
    if body is None:
        return
    if body.type == "null":
        ctx.report(body, schema=output.base)
        return
    if _RETURN_NULL.search(ctx.parsed.source, body.start_byte, body.end_byte) is None:
        return  # no `return null` text in the body: skip the walk (it is most of this rule's cost)
    for node in iter_descendants(body, stop_at_functions=True):
        if node.type in FUNCTION_TYPES and node.id != body.id:
            continue
        if node.type == "return_statement":
            value = next((c for c in node.named_children if c.type != "comment"), None)
            value = unwrap(value)
            if value is not None and value.type == "null":
                ctx.report(node, schema=output.base)
