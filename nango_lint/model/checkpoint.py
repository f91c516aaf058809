"""Checkpoint data flow: where the value returned by ``nango.getCheckpoint()`` goes.

A forward taint analysis over one function body (and the closures inside it). The sources are the
``getCheckpoint()`` calls; taint moves through declarations, destructuring, assignments (also to members:
``params.since = cp.since`` taints ``params``), member access, ``?.``, ``??``, ternaries, templates, spreads,
object and array literals, casts, pure builtins (``String``, ``new Date``, ``JSON.stringify``...), zod
``parse``/``safeParse`` and method calls on a tainted receiver.

Each place a tainted value ends up is a :class:`Use`:

- ``request``: it is part of a provider call's arguments (``nango.get|post|...|paginate|proxy``), with the key path
  inside the config (``("params", "updated_after")``) when one is known;
- ``unknown``: it reaches code we cannot see through (a same-file helper, an imported function, a return value,
  an unknown construct). Precision first: this counts as used;
- ``control``: it decides a condition that governs a request, a loop, an exit or an assignment (resume state);
- ``nango``: it is passed to a nango method that is not a request (``saveCheckpoint``, ``log``, ``batchSave``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tree_sitter import Node

from nango_lint.model.syntax import FUNCTION_TYPES, call_callee, iter_descendants, property_key, string_value, text

if TYPE_CHECKING:
    from nango_lint.model.function import FunctionModel, NangoCall

PURE_CALLEES = frozenset(
    {
        "String", "Number", "Boolean", "BigInt", "Date", "parseInt", "parseFloat", "isNaN", "encodeURIComponent",
        "decodeURIComponent", "encodeURI", "decodeURI", "JSON.stringify", "JSON.parse", "Math.max", "Math.min",
        "Math.floor", "Math.ceil", "Math.round", "Math.abs", "Number.parseInt", "Number.parseFloat", "Number.isFinite",
        "Array.isArray", "Object.keys", "Object.values", "Object.entries", "Date.parse", "URLSearchParams",
        "Buffer.from",
    }
)
PURE_METHODS = frozenset({"parse", "safeParse", "parseAsync", "safeParseAsync"})
# Methods (on any receiver) whose result is built from their arguments, including what a callback argument returns:
# `rows.map((r) => ({ ...r, since: cp.since }))` carries the checkpoint to wherever the mapped rows go.
DERIVING_METHODS = frozenset(
    {"map", "flatMap", "filter", "find", "findLast", "reduce", "some", "every", "includes", "concat", "join", "then"}
)
# Expression parents through which a tainted child makes the parent tainted.
PASS_THROUGH = frozenset(
    {
        "await_expression", "parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
        "type_assertion", "binary_expression", "unary_expression", "update_expression", "ternary_expression",
        "member_expression", "subscript_expression", "template_substitution", "template_string", "spread_element",
        "array", "sequence_expression", "optional_chain",
    }
)
CONTROL_PARENTS = frozenset({"if_statement", "while_statement", "do_statement", "for_statement", "switch_statement"})


@dataclass(slots=True)
class Use:
    kind: str  # request | unknown | control | nango
    node: Node  # the tainted expression at the point of use
    call: "NangoCall | None" = None
    path: tuple[str, ...] = ()
    # Where the checkpoint value enters the request: the innermost key/value (`updated_after: cp.since`, a
    # shorthand `{ since }`, or `params.since = ...`), which may sit in an object declared before the call; else
    # the tainted expression the flow started from. Rules point at this line, not at the whole config.
    anchor: Node | None = None
    origin: Node | None = None  # the tainted reference (or the getCheckpoint call) this flow started from


@dataclass
class CheckpointFlow:
    model: "FunctionModel"
    uses: dict[int, list[Use]] = field(default_factory=dict)  # get call node id -> uses
    tainted_names: dict[int, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.gets = self.model.calls("getCheckpoint")
        self.saves = self.model.calls("saveCheckpoint")
        self._calls_by_id = {c.node.id: c for c in self.model.nango_calls}
        for get in self.gets:
            self.uses[get.node.id] = self._analyse(get)

    def uses_of(self, get: "NangoCall") -> list[Use]:
        return self.uses.get(get.node.id, [])

    def reaches_request(self, get: "NangoCall") -> bool:
        return any(u.kind in ("request", "unknown", "control") for u in self.uses_of(get))

    def request_uses(self) -> list[Use]:
        return [u for uses in self.uses.values() for u in uses if u.kind == "request"]

    # ---------------------------------------------------------------- the analysis
    def _analyse(self, get: "NangoCall") -> list[Use]:
        scope = get.function
        uses: list[Use] = []
        tainted: set[str] = set()
        obj_paths: dict[str, dict[tuple[str, ...], Node | None]] = {}  # name -> key path inside it -> anchor
        work: list[tuple[Node, tuple[str, ...]]] = [(get.node, ())]
        seen: set[int] = set()
        while work:
            expr, inherited = work.pop()
            if expr.id in seen:
                continue
            seen.add(expr.id)
            for name, path, anchor in self._flow(expr, uses, inherited):
                if path:
                    obj_paths.setdefault(name, {}).setdefault(path, anchor)
                if name in tainted:
                    continue
                tainted.add(name)
                for ref in self.model.references(name, scope):
                    if not _is_write(ref):
                        work.append((ref, ()))
        # re-attach key paths for objects that were built first and passed to a request later:
        # `const params = { since: cp.since }; nango.get({ endpoint, params })` is a use at ("params", "since"),
        # anchored on `since: cp.since`. One use per key path the object received.
        out: list[Use] = []
        for use in uses:
            origin = use.origin
            inner = obj_paths.get(text(origin)) if use.kind == "request" and origin is not None and origin.type in (
                "identifier", "shorthand_property_identifier") else None
            if not inner:
                out.append(use)
                continue
            for p, anchor in inner.items():
                out.append(Use(use.kind, use.node, use.call, use.path + p, anchor or use.anchor, origin))
        self.tainted_names[get.node.id] = tainted
        return out

    def _flow(self, expr: Node, uses: list[Use], inherited: tuple[str, ...]):
        """Climb from a tainted expression to where its value goes. Yields (name, key path, anchor) for variables
        that become tainted, and appends terminal uses."""
        node = expr
        path: list[str] = []
        anchor: Node | None = None  # the innermost key/value on the way up (see Use.anchor)
        while True:
            parent = node.parent
            if parent is None:
                return
            pt = parent.type
            if pt in PASS_THROUGH:
                if pt == "member_expression" and parent.child_by_field_name("property") is not None and node.id == parent.child_by_field_name("property").id:
                    return
                node = parent
                continue
            if pt == "arrow_function":
                body = parent.child_by_field_name("body")
                if body is not None and body.id == node.id:
                    # an expression-bodied arrow returns the value: the arrow carries it (`.map(cb)` below)
                    node = parent
                    path = []
                    anchor = None
                    continue
                uses.append(Use("unknown", node))
                return
            if pt == "pair":
                if parent.child_by_field_name("value") is not None and parent.child_by_field_name("value").id == node.id:
                    key = property_key(parent)
                    path.insert(0, key or "?")
                    anchor = anchor or parent
                    node = parent.parent  # the object
                    continue
                return  # a computed key: ignore
            if pt == "object":  # shorthand property `{ cursor }` or spread inside an object
                if node.type == "shorthand_property_identifier":
                    path.insert(0, text(node))  # `{ since }` is the key `since`
                    anchor = anchor or node
                node = parent
                continue
            if pt == "variable_declarator":
                if parent.child_by_field_name("value") is not None and parent.child_by_field_name("value").id == node.id:
                    for name in _bound_names(parent.child_by_field_name("name")):
                        yield name, tuple(path), anchor
                return
            if pt in ("assignment_expression", "augmented_assignment_expression"):
                right = parent.child_by_field_name("right")
                if right is not None and right.id == node.id:
                    left = parent.child_by_field_name("left")
                    extra: list[str] = []
                    while left is not None and left.type in ("member_expression", "subscript_expression"):
                        prop = left.child_by_field_name("property") or left.child_by_field_name("index")
                        # `params.since = ...` and `params['since'] = ...` both name the key `since`
                        key = text(prop) if prop is not None and prop.type == "property_identifier" else string_value(prop)
                        extra.insert(0, key if key is not None else "?")
                        left = left.child_by_field_name("object")
                    if left is not None:
                        for name in _bound_names(left):
                            yield name, tuple(extra + path), (anchor or (parent if extra else None))
                    # the assignment expression itself also has the value
                    node = parent
                    continue
                return
            if pt == "arguments":
                call = parent.parent
                if call is None:
                    return
                if call.type == "new_expression":
                    ctor = call.child_by_field_name("constructor")
                    if text(ctor) in PURE_CALLEES:
                        node = call
                        continue
                    uses.append(Use("unknown", node))
                    return
                nc = self._calls_by_id.get(call.id)
                if nc is not None:
                    if nc.is_provider_call:
                        first = nc.first_arg
                        p = tuple(path) if first is not None and first.id == node.id else ()
                        uses.append(Use("request", node, nc, p or inherited, anchor or expr, expr))
                    else:
                        uses.append(Use("nango", node, nc, tuple(path), anchor or expr, expr))
                    return
                callee = call_callee(call)
                ctext = text(callee)
                if ctext in PURE_CALLEES or (
                    callee is not None
                    and callee.type == "member_expression"
                    and text(callee.child_by_field_name("property")) in (PURE_METHODS | DERIVING_METHODS)
                ):
                    node = call
                    path = []
                    anchor = None
                    continue
                if ctext.startswith("console."):
                    return
                uses.append(Use("unknown", node))
                return
            if pt == "call_expression":
                # tainted receiver: `cp.since.toString()`, `cp.items.map(...)`
                node = parent
                path = []
                anchor = None
                continue
            if pt == "for_in_statement":
                right = parent.child_by_field_name("right")
                if right is not None and right.id == node.id:
                    left = parent.child_by_field_name("left")
                    for name in _bound_names(left):
                        yield name, (), None
                    uses.append(Use("control", node))
                return
            if pt in CONTROL_PARENTS or pt in ("switch_case",):
                if _governs_state(parent, self._calls_by_id):
                    uses.append(Use("control", node))
                return
            if pt == "expression_statement":
                return
            if pt in ("return_statement", "yield_expression", "throw_statement") or pt in FUNCTION_TYPES:
                uses.append(Use("unknown", node))
                return
            if pt in ("lexical_declaration", "variable_declaration", "statement_block", "program", "comment"):
                return
            if pt in ("type_annotation", "type_arguments"):
                return
            uses.append(Use("unknown", node))
            return


def _is_write(ref: Node) -> bool:
    parent = ref.parent
    if parent is None:
        return False
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return name is not None and name.id == ref.id
    if parent.type in ("assignment_expression", "augmented_assignment_expression"):
        left = parent.child_by_field_name("left")
        return left is not None and left.id == ref.id and parent.type == "assignment_expression"
    if parent.type in ("required_parameter", "optional_parameter", "formal_parameters"):
        return True
    if parent.type in ("for_in_statement",):
        left = parent.child_by_field_name("left")
        return left is not None and left.id == ref.id
    return False


def _bound_names(pattern: Node | None) -> list[str]:
    if pattern is None:
        return []
    if pattern.type == "identifier":
        return [text(pattern)]
    names = []
    for node in iter_descendants(pattern):
        if node.type == "shorthand_property_identifier_pattern":
            names.append(text(node))
        elif node.type == "identifier":
            parent = node.parent
            # `{ a: b }` binds b; `{ a = 1 }` default values are not bindings
            if parent is not None and parent.type == "pair_pattern":
                value = parent.child_by_field_name("value")
                if value is not None and value.id == node.id:
                    names.append(text(node))
            elif parent is not None and parent.type in ("array_pattern", "rest_pattern", "assignment_pattern", "object_assignment_pattern"):
                if parent.type in ("assignment_pattern", "object_assignment_pattern"):
                    left = parent.child_by_field_name("left")
                    if left is not None and left.id == node.id:
                        names.append(text(node))
                else:
                    names.append(text(node))
    return names


def _governs_state(stmt: Node, calls_by_id: dict) -> bool:
    """Does a condition-bearing statement control a request, an exit, a loop or an assignment?"""
    for node in iter_descendants(stmt):
        t = node.type
        if t in ("return_statement", "break_statement", "continue_statement", "throw_statement",
                 "assignment_expression", "augmented_assignment_expression", "lexical_declaration",
                 "variable_declaration", "for_statement", "for_in_statement", "while_statement", "do_statement"):
            return True
        if t == "call_expression":
            nc = calls_by_id.get(node.id)
            if nc is not None:
                if nc.is_provider_call:
                    return True
                continue
            ctext = text(call_callee(node))
            if not ctext.startswith("console.") and ctext not in PURE_CALLEES:
                return True  # a same-file helper or unknown code may act on it
    return False

