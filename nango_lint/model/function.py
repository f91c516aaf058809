"""The semantic model of one Nango function file, built once per file from one parse and one query run.

It answers what every rule needs to know: what kind of file this is (sync, action, on-event, legacy, plain module),
the ``createX({...})`` config fields, which names are the ``nango`` object (resolved by scope), every call made on
it (with its method, arguments and enclosing loops / conditionals / try), and the provider configs those calls use.
Deeper analyses (checkpoint data flow) are computed lazily and cached here, so rules share them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from tree_sitter import Node

from nango_lint.model.objects import ConfigRef, ObjectLiteral
from nango_lint.model.scope import Bindings
from nango_lint.model.syntax import (
    CONDITIONAL_TYPES,
    FUNCTION_TYPES,
    LOOP_TYPES,
    call_callee,
    first_param,
    param_name,
    param_type_name,
    text,
    unwrap,
)
from nango_lint.parsing import ParsedSource

CREATE_KINDS = {"createSync": "sync", "createAction": "action", "createOnEvent": "on-event", "createFunction": "function"}
NANGO_TYPE_NAMES = frozenset({"NangoSync", "NangoAction", "NangoSyncLocal", "NangoActionLocal"})
PROVIDER_METHODS = frozenset({"get", "post", "put", "patch", "delete", "proxy", "paginate"})
NANGO_FUNCTION_KEYS = ("exec", "onWebhook")
_EXEC_PARAM_TYPE = re.compile(r"""\[\s*['"]exec['"]\s*\]\s*>\s*\[\s*0\s*\]""")

# The model's part of the combined query: ONE pattern, an alternation of plain node types. Structured patterns
# (`(call_expression function: (member_expression ...))`) cost ~5 ms each to compile, which is most of a single-file
# run; bucketing by node type in Python is cheap. See `bucket_model_nodes`.
MODEL_QUERY = """
[(call_expression) (variable_declarator) (arrow_function) (function_expression) (function_declaration)
 (method_definition) (generator_function) (generator_function_declaration) (comment) (export_statement)
 (import_statement) (type_alias_declaration) (assignment_expression) (augmented_assignment_expression)] @m.node
"""


@dataclass(slots=True)
class NangoCall:
    """A call ``<nango>.<method>(...)`` where ``<nango>`` resolves by scope to the nango object."""

    node: Node
    method: str
    receiver: str
    function: Node  # the nango function (exec, onWebhook, typed helper) the receiver belongs to
    arguments: list[Node]
    config: ConfigRef | None = None  # provider calls only

    @property
    def is_provider_call(self) -> bool:
        return self.method in PROVIDER_METHODS

    @property
    def first_arg(self) -> Node | None:
        return self.arguments[0] if self.arguments else None

    @property
    def callee(self) -> Node:
        return call_callee(self.node)

    @property
    def awaited_by_misparse(self) -> bool:
        """``await x.m<T>(...)`` parses as ``(await x.m)<T>(...)`` (see ``call_callee``): such a call IS awaited
        although its parent is not an ``await_expression``. Await checks must test this too."""
        fn = self.node.child_by_field_name("function")
        return fn is not None and fn.type == "await_expression" and fn.id != self.callee.id

    @property
    def property_node(self) -> Node:
        return self.callee.child_by_field_name("property")

    def string_arg(self, index: int) -> str | None:
        from nango_lint.model.syntax import string_value

        if index < len(self.arguments):
            return string_value(self.arguments[index])
        return None

    def enclosing(self, types: frozenset[str]) -> list[Node]:
        """Ancestors of the given types between the call and its nango function, innermost first."""
        out = []
        node = self.node.parent
        stop = self.function.id
        while node is not None and node.id != stop:
            if node.type in types:
                out.append(node)
            node = node.parent
        return out

    @property
    def loops(self) -> list[Node]:
        return self.enclosing(LOOP_TYPES)

    @property
    def conditionals(self) -> list[Node]:
        return self.enclosing(CONDITIONAL_TYPES)

    def try_context(self) -> list[tuple[Node, str]]:
        """(try_statement, part) pairs, part in {"body", "catch", "finally"}, innermost first."""
        out = []
        node = self.node
        parent = node.parent
        stop = self.function.id
        while parent is not None and parent.id != stop:
            if parent.type == "try_statement":
                if node.type == "catch_clause":
                    out.append((parent, "catch"))
                elif node.type == "finally_clause":
                    out.append((parent, "finally"))
                else:
                    out.append((parent, "body"))
            node, parent = parent, parent.parent
        return out


@dataclass(slots=True)
class Comment:
    node: Node
    text: str
    line: int  # 0-based start row
    end_line: int
    own_line: bool  # nothing but whitespace before it on its line


class FunctionModel:
    """Semantic model of one file. Construct with the parse and the model captures of the combined query."""

    def __init__(self, parsed: ParsedSource, captures: dict[str, list[Node]]) -> None:
        self.parsed = parsed
        self.caps = bucket_model_nodes(captures)
        self.root = parsed.root
        self.bindings = Bindings(self.caps["m.decl"], self.caps["m.fn"])
        self.default_export: Node | None = None  # the exported value / declaration node
        self.create_call: Node | None = None
        self.create_name: str | None = None
        self.config_arg: Node | None = None  # first argument of createX, whatever it is
        self.config: ObjectLiteral | None = None
        self.legacy_function: Node | None = None  # the default-exported function of a legacy file
        self.kind = "module"
        self._classify()

    # ------------------------------------------------------------------ classification
    def _classify(self) -> None:
        for export in self.caps.get("m.export", []):
            if export.parent is None or export.parent.type != "program":
                continue
            if not any(c.type == "default" for c in export.children):
                continue
            value = export.child_by_field_name("value")
            decl = export.child_by_field_name("declaration")
            target = unwrap(value) if value is not None else decl
            self.default_export = target
            if target is None:
                continue
            if target.type in FUNCTION_TYPES or target.type in ("function_declaration", "class_declaration"):
                if target.type != "class_declaration":
                    self.kind = "legacy"
                    self.legacy_function = target
                return
            call = target
            if target.type == "identifier":
                resolved = self.bindings.resolve(text(target), export)
                if resolved and resolved[0] == "decl" and resolved[1].type == "variable_declarator":
                    call = unwrap(resolved[1].child_by_field_name("value"))
                elif resolved and resolved[0] == "decl" and resolved[1].type in FUNCTION_TYPES:
                    call = resolved[1]  # `async function fetchData(...) {}` ... `export default fetchData`
                if call is not None and call.type in FUNCTION_TYPES:
                    # `export default fetchData` where fetchData is a function: the runner sees a function
                    # default export (typeof === 'function'), i.e. a legacy file (NFM §7)
                    self.kind = "legacy"
                    self.legacy_function = call
                    return
            if call is not None and call.type == "call_expression":
                fn = call.child_by_field_name("function")
                name = text(fn) if fn is not None and fn.type == "identifier" else None
                if name in CREATE_KINDS:
                    self.create_call = call
                    self.create_name = name
                    self.kind = CREATE_KINDS[name]
                    args = _call_arguments(call)
                    self.config_arg = args[0] if args else None
                    arg = unwrap(self.config_arg)
                    if arg is not None and arg.type == "object":
                        self.config = ObjectLiteral.of(arg)
            return

    @property
    def is_function_file(self) -> bool:
        return self.kind in ("sync", "action", "on-event", "function")

    def config_value(self, key: str) -> Node | None:
        return self.config.value(key) if self.config is not None else None

    def config_object(self, key: str) -> ObjectLiteral | None:
        """A config field resolved to an object literal (inline or through a same-file const)."""
        value = self.config_value(key)
        if value is None:
            return None
        return self.resolve_object(value)

    # ------------------------------------------------------------------ nango functions and calls
    @cached_property
    def nango_type_names(self) -> frozenset[str]:
        """NangoSync/NangoAction/...Local, plus local aliases such as ``type X = Parameters<...['exec']>[0]``."""
        names = set(NANGO_TYPE_NAMES)
        for alias in self.caps.get("m.type_alias", []):
            name = alias.child_by_field_name("name")
            value = alias.child_by_field_name("value")
            if name is None or value is None:
                continue
            vtext = text(value)
            if _EXEC_PARAM_TYPE.search(vtext) or vtext.strip() in NANGO_TYPE_NAMES:
                names.add(text(name))
        return frozenset(names)

    @cached_property
    def nango_functions(self) -> dict[int, tuple[Node, str]]:
        """Functions whose first parameter is the nango object: node id -> (function node, parameter name)."""
        found: dict[int, tuple[Node, str]] = {}
        if self.config is not None:
            for key in NANGO_FUNCTION_KEYS:
                value = self.config.value(key)
                fn = self._as_function(value)
                if fn is not None:
                    name = param_name(first_param(fn))
                    if name:
                        found[fn.id] = (fn, name)
        type_names = self.nango_type_names
        for fn in self.caps.get("m.fn", []):
            if fn.id in found:
                continue
            param = first_param(fn)
            name = param_name(param)
            if not name:
                continue
            tname = param_type_name(param)
            if tname in type_names:
                found[fn.id] = (fn, name)
                continue
            ann = param.child_by_field_name("type") if param is not None and param.type != "identifier" else None
            if ann is not None and _EXEC_PARAM_TYPE.search(text(ann)):
                found[fn.id] = (fn, name)
        if self.legacy_function is not None:
            fn = self.legacy_function
            name = param_name(first_param(fn))
            if name and fn.id not in found:
                found[fn.id] = (fn, name)
        return found

    def _as_function(self, value: Node | None) -> Node | None:
        if value is None:
            return None
        if value.type in FUNCTION_TYPES:
            return value
        if value.type in ("identifier", "shorthand_property_identifier"):
            resolved = self.bindings.resolve(text(value), value)
            if resolved and resolved[0] == "decl":
                decl = resolved[1]
                if decl.type in FUNCTION_TYPES:
                    return decl
                inner = unwrap(decl.child_by_field_name("value"))
                if inner is not None and inner.type in FUNCTION_TYPES:
                    return inner
        return None

    def nango_binding_at(self, name: str, at: Node) -> Node | None:
        """The nango function whose parameter ``name`` refers to at ``at``, or None when ``name`` is not nango."""
        fns = self.nango_functions
        if not fns:
            return None
        resolved = self.bindings.resolve(name, at)
        if resolved is None or resolved[0] != "param":
            return None
        entry = fns.get(resolved[1].id)
        if entry is not None and entry[1] == name:
            return entry[0]
        return None

    @cached_property
    def nango_names(self) -> frozenset[str]:
        return frozenset(name for _, name in self.nango_functions.values())

    @cached_property
    def nango_calls(self) -> list[NangoCall]:
        names = self.nango_names
        calls: list[NangoCall] = []
        if not names:
            return calls
        raw_names = {n.encode() for n in names}
        for call in self.caps.get("m.member_call", []):
            callee = call_callee(call)
            if callee is None or callee.type != "member_expression":
                continue  # `(await x).y<T>()`-style shapes the query also matched
            obj = callee.child_by_field_name("object")
            if obj.text not in raw_names:  # bytes compare: this loop sees every `x.y()` call of the file
                continue
            receiver = text(obj)
            fn = self.nango_binding_at(receiver, obj)
            if fn is None:
                continue
            prop = callee.child_by_field_name("property")
            method = text(prop)
            nc = NangoCall(call, method, receiver, fn, _call_arguments(call))
            if method in PROVIDER_METHODS:
                nc.config = self.resolve_config(nc.first_arg)
            calls.append(nc)
        calls.sort(key=lambda c: c.node.start_byte)
        return calls

    @cached_property
    def _member_call_index(self) -> tuple[dict[bytes, list[Node]], dict[bytes, list[Node]]]:
        by_object: dict[bytes, list[Node]] = {}
        by_property: dict[bytes, list[Node]] = {}
        for call in self.caps.get("m.member_call", []):
            callee = call_callee(call)
            if callee is None or callee.type != "member_expression":
                continue
            obj = callee.child_by_field_name("object")
            prop = callee.child_by_field_name("property")
            if obj is not None:
                by_object.setdefault(obj.text, []).append(call)
            if prop is not None:
                by_property.setdefault(prop.text, []).append(call)
        return by_object, by_property

    def member_calls_on(self, obj: str) -> list[Node]:
        """Calls ``obj.anything(...)`` (``obj`` an identifier, by spelling; scope is the caller's business)."""
        return self._member_call_index[0].get(obj.encode(), [])

    def member_calls_named(self, *props: str) -> list[Node]:
        """Calls ``x.prop(...)`` for any identifier ``x``, in source order. This replaces per-rule query patterns
        such as ``(call_expression function: (member_expression ...))``, each of which costs ~5-20 ms to compile."""
        index = self._member_call_index[1]
        out = [c for p in props for c in index.get(p.encode(), [])]
        if len(props) > 1:
            out.sort(key=lambda n: n.start_byte)
        return out

    def nodes_spelled(self, words: tuple[str, ...], types: tuple[str, ...], within: Node | None = None) -> list[Node]:
        """Nodes of the given types whose text is exactly one of ``words``, found by a byte search over the source
        (whole words only; optionally only inside ``within``) and mapped back to the tree. In source order. Much
        cheaper than walking every node of a long function."""
        pattern = _word_pattern(words)
        root = self.root
        wanted = frozenset(types)
        out = []
        start, end = (within.start_byte, within.end_byte) if within is not None else (0, len(self.parsed.source))
        for m in pattern.finditer(self.parsed.source, start, end):
            node = root.descendant_for_byte_range(m.start(), m.end())
            # the smallest node covering the word; climb while it spans exactly the word (e.g. string_fragment)
            while node is not None and node.type not in wanted and node.start_byte == m.start() and node.end_byte == m.end():
                node = node.parent
            if node is not None and node.type in wanted and node.start_byte == m.start() and node.end_byte == m.end():
                out.append(node)
        return out

    def nango_property_use(self, name: Node) -> tuple[str, Node] | None:
        """How a property-name node reads that property of the nango object, with the node to report:
        ``("member", nango.x)``, ``("subscript", nango['x'])`` (``name`` may be the string or its fragment), or
        ``("destructure", name)`` for ``const { x } = nango`` / ``const { x: y = 1 } = nango``. The name's own
        pattern must be the declarator's: in ``const { a: { x } } = nango`` it is ``nango.a.x`` that is read.
        None when the property is not read from the nango object."""
        if name.type == "string_fragment":
            name = name.parent
        parent = name.parent if name is not None else None
        if parent is None:
            return None
        if parent.type == "member_expression":
            if parent.child_by_field_name("property") == name:
                obj = parent.child_by_field_name("object")
                if obj is not None and self.is_nango_ref(obj):
                    return ("member", parent)
            return None
        if parent.type == "subscript_expression":
            obj = parent.child_by_field_name("object")
            if name.type == "string" and obj is not None and obj != name and self.is_nango_ref(obj):
                return ("subscript", parent)
            return None
        pattern = parent if parent.type == "object_pattern" else parent.parent
        decl = pattern.parent if pattern is not None and pattern.type == "object_pattern" else None
        if decl is None or decl.type != "variable_declarator" or decl.child_by_field_name("name") != pattern:
            return None
        value = unwrap(decl.child_by_field_name("value"))
        if value is not None and self.is_nango_ref(value):
            return ("destructure", name)
        return None

    def references(self, name: str, within: Node) -> list[Node]:
        """Identifier uses spelled ``name`` inside ``within`` (plain and shorthand ``{ name }``), by byte search."""
        return self.nodes_spelled((name,), ("identifier", "shorthand_property_identifier"), within)

    def plain_calls(self, *names: str) -> list[Node]:
        """Calls ``name(...)`` of a bare identifier, and dynamic ``import(...)`` when ``"import"`` is asked for."""
        wanted = {n.encode() for n in names}
        out = []
        for call in self.caps.get("m.ident_call", []):
            fn = call.child_by_field_name("function")
            if fn is not None and (fn.text in wanted or (fn.type == "import" and b"import" in wanted)):
                out.append(call)
        return out

    def calls(self, *methods: str) -> list[NangoCall]:
        wanted = set(methods)
        return [c for c in self.nango_calls if c.method in wanted]

    @property
    def provider_calls(self) -> list[NangoCall]:
        return [c for c in self.nango_calls if c.method in PROVIDER_METHODS]

    def is_nango_ref(self, node: Node) -> bool:
        """Is this identifier node a reference to the nango object?"""
        return node.type == "identifier" and text(node) in self.nango_names and self.nango_binding_at(text(node), node) is not None

    # ------------------------------------------------------------------ values
    @cached_property
    def mutated_names(self) -> frozenset[str]:
        """Identifiers whose members are assigned somewhere (``cfg.retries = 3``, ``cfg['x'] = 1``)."""
        names = set()
        for assign in self.caps.get("m.member_assign", []):
            left = assign.child_by_field_name("left")
            obj = left.child_by_field_name("object") if left is not None else None
            if obj is not None:
                names.add(text(obj))
        for call in self.caps.get("m.member_call", []):
            # Object.assign(cfg, ...) mutates cfg
            callee = call_callee(call)
            if text(callee) == "Object.assign":
                args = _call_arguments(call)
                if args and args[0].type == "identifier":
                    names.add(text(args[0]))
        return frozenset(names)

    def resolve_declarator(self, ident: Node) -> Node | None:
        """The ``variable_declarator`` an identifier refers to, when it is a same-file declaration."""
        resolved = self.bindings.resolve(text(ident), ident)
        if resolved and resolved[0] == "decl" and resolved[1].type == "variable_declarator":
            return resolved[1]
        return None

    def resolve_value(self, node: Node | None, depth: int = 0) -> Node | None:
        """Follow identifiers to the initialiser of their ``const``/``let`` declaration (a few hops at most)."""
        node = unwrap(node)
        while node is not None and node.type in ("identifier", "shorthand_property_identifier") and depth < 4:
            decl = self.resolve_declarator(node)
            if decl is None or decl.child_by_field_name("name").type != "identifier":
                return node
            value = unwrap(decl.child_by_field_name("value"))
            if value is None:
                return node
            node = value
            depth += 1
        return node

    def resolve_object(self, node: Node | None) -> ObjectLiteral | None:
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "object":
            return ObjectLiteral.of(node)
        if node.type in ("identifier", "shorthand_property_identifier"):
            decl = self.resolve_declarator(node)
            if decl is None:
                return None
            value = unwrap(decl.child_by_field_name("value"))
            if value is None or value.type != "object":
                return None
            obj = ObjectLiteral.of(value)
            obj.mutated = text(node) in self.mutated_names
            return obj
        return None

    def resolve_config(self, arg: Node | None) -> ConfigRef:
        if arg is None:
            return ConfigRef("missing", None)
        inner = unwrap(arg)
        if inner is not None and inner.type == "object":
            return ConfigRef("inline", arg, ObjectLiteral.of(inner))
        if inner is not None and inner.type == "identifier":
            decl = self.resolve_declarator(inner)
            obj = self.resolve_object(inner)
            if obj is not None:
                return ConfigRef("bound", arg, obj, decl)
        return ConfigRef("unknown", arg)

    # ------------------------------------------------------------------ comments
    @cached_property
    def comments(self) -> list[Comment]:
        out = []
        lines = self.parsed.lines
        source = self.parsed.source
        for node in self.caps.get("m.comment", []):
            row = node.start_point[0]
            line_start = lines.starts[row] if row < len(lines.starts) else 0
            own_line = source[line_start : node.start_byte].strip() == b""
            out.append(Comment(node, text(node), row, node.end_point[0], own_line))
        out.sort(key=lambda c: c.node.start_byte)
        return out

    @cached_property
    def comments_by_end_line(self) -> dict[int, list[Comment]]:
        by_line: dict[int, list[Comment]] = {}
        for c in self.comments:
            by_line.setdefault(c.end_line, []).append(c)
        return by_line

    def comments_above(self, node: Node) -> list[Comment]:
        """The contiguous block of own-line comments directly above ``node``'s first line (blank lines end it)."""
        out: list[Comment] = []
        row = node.start_point[0] - 1
        by_line = self.comments_by_end_line
        while row >= 0:
            found = [c for c in by_line.get(row, []) if c.own_line]
            if not found:
                break
            out.extend(found)
            row = min(c.line for c in found) - 1
        return out

    def comments_within(self, node: Node) -> list[Comment]:
        return [c for c in self.comments if node.start_byte <= c.node.start_byte and c.node.end_byte <= node.end_byte]

    # ------------------------------------------------------------------ analyses shared by several rules
    @cached_property
    def zod(self):
        """Parses zod schema expressions of this file (``self.zod.parse(node)``)."""
        from nango_lint.model.zod import ZodResolver

        return ZodResolver(self)

    def config_schema(self, key: str):
        """The zod schema of a config field (``checkpoint``, ``metadata``, ``input``, ``output``), or None."""
        value = self.config_value(key)
        return self.zod.parse(value) if value is not None else None

    @cached_property
    def checkpoint_flow(self):
        from nango_lint.model.checkpoint import CheckpointFlow

        return CheckpointFlow(self)

    @cached_property
    def names(self):
        """Imports, classes and destructured names of this file; ``names.is_global_ref(ident)`` (model/names.py)."""
        from nango_lint.model.names import FileNames

        return FileNames(self)


_FN_TYPES = ("arrow_function", "function_expression", "function_declaration", "method_definition",
             "generator_function", "generator_function_declaration")
_BUCKETS = {"variable_declarator": "m.decl", "comment": "m.comment", "export_statement": "m.export",
            "import_statement": "m.import", "type_alias_declaration": "m.type_alias"}


@lru_cache(maxsize=64)
def _word_pattern(words: tuple[str, ...]) -> "re.Pattern[bytes]":
    alternatives = b"|".join(re.escape(w.encode()) for w in sorted(words, key=len, reverse=True))
    return re.compile(rb"(?<![\w$])(?:" + alternatives + rb")(?![\w$])")


def bucket_model_nodes(captures: dict[str, list[Node]]) -> dict[str, list[Node]]:
    """Split the model's single capture into the named buckets the model and rules read (``m.member_call``:
    ``x.y(...)`` with an identifier ``x``; ``m.ident_call``: ``f(...)``; ``m.fn``; ``m.decl``; ``m.comment``;
    ``m.export``; ``m.import``; ``m.type_alias``; ``m.member_assign``: ``x.y = ...``/``x[k] = ...``/``x.y += ...``).
    Rule captures (``NLxxx.name``) pass through unchanged."""
    out: dict[str, list[Node]] = {k: v for k, v in captures.items() if k != "m.node"}
    member_call: list[Node] = []
    ident_call: list[Node] = []
    fns: list[Node] = []
    assigns: list[Node] = []
    for key in ("m.decl", "m.comment", "m.export", "m.import", "m.type_alias"):
        out[key] = []
    for node in captures.get("m.node", ()):
        t = node.type
        if t == "call_expression":
            fn = call_callee(node)  # repairs `await a.b<T>(x)`, which tree-sitter parses as `(await a.b)<T>(x)`
            if fn is None:
                continue
            ft = fn.type
            if ft == "member_expression":
                obj = fn.child_by_field_name("object")
                if obj is not None and obj.type == "identifier":
                    member_call.append(node)
            elif ft == "identifier" or ft == "import":  # `f(...)`, `require(...)`, dynamic `import(...)`
                ident_call.append(node)
        elif t in _FN_TYPES:
            fns.append(node)
        elif t == "assignment_expression" or t == "augmented_assignment_expression":
            left = node.child_by_field_name("left")
            if left is not None and left.type in ("member_expression", "subscript_expression"):
                obj = left.child_by_field_name("object")
                if obj is not None and obj.type == "identifier" and (t == "assignment_expression" or left.type == "member_expression"):
                    assigns.append(node)
        else:
            out[_BUCKETS[t]].append(node)
    out["m.member_call"] = member_call
    out["m.ident_call"] = ident_call
    out["m.fn"] = fns
    out["m.member_assign"] = assigns
    return out


def _call_arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [a for a in args.named_children if a.type != "comment"]
