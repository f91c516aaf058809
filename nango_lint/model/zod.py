"""Zod schemas as rules see them: a base type, the chain of methods applied to it, and object fields.

``z.object({ id: z.string().describe('x'), tags: z.array(z.string()).optional() }).passthrough()`` becomes a
:class:`ZodSchema` with ``base="object"``, ``chain=("passthrough",)`` and two fields. Identifiers are followed to
their same-file ``const`` (``models: { User: UserSchema }``); ``X.extend({...})`` adds fields; anything we cannot
see through (imports, function calls, ``merge``) is ``unknown`` or marks the object ``open``. Rules must treat
unknown schemas as "do not flag".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tree_sitter import Node

from nango_lint.model.objects import ObjectLiteral
from nango_lint.model.syntax import string_value, text, unwrap

if TYPE_CHECKING:
    from nango_lint.model.function import FunctionModel

OPTIONAL_METHODS = frozenset({"optional", "nullish"})
NULLABLE_METHODS = frozenset({"nullable", "nullish"})
# methods that keep the schema's kind and only refine or annotate it
REFINEMENTS = frozenset(
    {
        "describe", "min", "max", "length", "email", "url", "uuid", "cuid", "cuid2", "ulid", "regex", "datetime",
        "date", "time", "ip", "trim", "toLowerCase", "toUpperCase", "startsWith", "endsWith", "includes", "int",
        "positive", "negative", "nonnegative", "nonpositive", "finite", "safe", "multipleOf", "step", "gt", "gte",
        "lt", "lte", "nonempty", "refine", "superRefine", "check", "meta", "brand", "readonly", "catch", "base64",
        "emoji", "nanoid", "jwt", "cidrv4", "cidrv6", "ipv4", "ipv6", "e164", "hostname", "lowercase", "uppercase",
    }
)
OBJECT_KEEPERS = frozenset({"passthrough", "strict", "strip", "describe", "loose", "meta", "readonly", "refine", "superRefine"})


@dataclass
class ZodSchema:
    node: Node  # the whole expression
    base: str  # "string", "number", "object", "array", "enum", "literal", "union", ... or "unknown"
    chain: tuple[str, ...] = ()  # methods after the base call, innermost first
    base_call: Node | None = None  # the `z.<base>(...)` call
    fields: dict[str, "ZodSchema"] = field(default_factory=dict)
    field_nodes: dict[str, Node] = field(default_factory=dict)  # key -> the object member node
    open: bool = False  # an object whose keys are not all known (spread, merge, computed key)

    @property
    def known(self) -> bool:
        return self.base != "unknown"

    @property
    def optional(self) -> bool:
        return any(m in OPTIONAL_METHODS for m in self.chain) or self.base in ("optional", "nullish")

    @property
    def nullable(self) -> bool:
        return any(m in NULLABLE_METHODS for m in self.chain) or self.base in ("nullable", "nullish")

    @property
    def has_default(self) -> bool:
        return "default" in self.chain or "prefault" in self.chain

    @property
    def described(self) -> bool:
        return "describe" in self.chain or "meta" in self.chain

    @property
    def is_object(self) -> bool:
        return self.base in ("object", "looseObject", "strictObject") and all(
            m in OBJECT_KEEPERS or m == "extend" for m in self.chain
        )

    @property
    def wrappers(self) -> tuple[str, ...]:
        """Chain methods that change the type (not refinements): optional, nullable, default, array, or, and..."""
        return tuple(m for m in self.chain if m not in REFINEMENTS and m not in OBJECT_KEEPERS)

    def args(self) -> list[Node]:
        if self.base_call is None:
            return []
        a = self.base_call.child_by_field_name("arguments")
        return [c for c in a.named_children if c.type != "comment"] if a is not None else []


class ZodResolver:
    """Parses zod expressions of one file; knows the names zod is imported as."""

    def __init__(self, model: "FunctionModel") -> None:
        self.model = model
        self.names = self._zod_names()
        self._cache: dict[int, ZodSchema] = {}

    def _zod_names(self) -> frozenset[str]:
        names = set()
        for imp in self.model.caps.get("m.import", []):
            src = imp.child_by_field_name("source")
            if src is None or string_value(src) != "zod":
                continue
            for node in _walk(imp):
                if node.type == "namespace_import" or node.type == "import_clause":
                    for c in node.named_children:
                        if c.type == "identifier":
                            names.add(text(c))
                elif node.type == "import_specifier":
                    alias = node.child_by_field_name("alias")
                    name = node.child_by_field_name("name")
                    if text(name) == "z":
                        names.add(text(alias) if alias is not None else "z")
        return frozenset(names or {"z"})

    def parse(self, node: Node | None, depth: int = 0) -> ZodSchema | None:
        node = unwrap(node)
        if node is None:
            return None
        cached = self._cache.get(node.id)
        if cached is not None:
            return cached
        schema = self._parse(node, depth)
        self._cache[node.id] = schema
        return schema

    def _parse(self, node: Node, depth: int) -> ZodSchema:
        chain: list[str] = []
        current = node
        while True:
            current = unwrap(current)
            if current is None:
                return ZodSchema(node, "unknown")
            if current.type == "call_expression":
                callee = current.child_by_field_name("function")
                if callee is not None and callee.type == "member_expression":
                    obj = unwrap(callee.child_by_field_name("object"))
                    prop = text(callee.child_by_field_name("property"))
                    if obj is not None and obj.type == "identifier" and text(obj) in self.names:
                        schema = ZodSchema(node, prop, tuple(reversed(chain)), current)
                        if prop in ("object", "looseObject", "strictObject"):
                            self._fill_fields(schema, schema.args()[0] if schema.args() else None, depth)
                        return self._apply_extends(schema, node, depth)
                    chain.append(prop)
                    current = obj
                    continue
                return ZodSchema(node, "unknown")
            if current.type in ("identifier", "shorthand_property_identifier") and depth < 6:
                decl = self.model.resolve_declarator(current)
                value = decl.child_by_field_name("value") if decl is not None else None
                if value is None:
                    return ZodSchema(node, "unknown")
                inner = self.parse(value, depth + 1)
                if inner is None or not inner.known:
                    return ZodSchema(node, "unknown")
                merged = ZodSchema(node, inner.base, inner.chain + tuple(reversed(chain)), inner.base_call,
                                   dict(inner.fields), dict(inner.field_nodes), inner.open)
                return self._apply_extends(merged, node, depth)
            return ZodSchema(node, "unknown")

    def _fill_fields(self, schema: ZodSchema, arg: Node | None, depth: int) -> None:
        arg = unwrap(arg)
        if arg is None:
            schema.open = True
            return
        obj = self.model.resolve_object(arg)
        if obj is None:
            schema.open = True
            return
        self._add_members(schema, obj, depth)

    def _add_members(self, schema: ZodSchema, obj: ObjectLiteral, depth: int) -> None:
        if obj.open:
            schema.open = True
        for key, member in obj.members.items():
            value = obj.value(key)
            sub = self.parse(value, depth + 1) if value is not None else None
            schema.fields[key] = sub or ZodSchema(member, "unknown")
            schema.field_nodes[key] = member

    def _apply_extends(self, schema: ZodSchema, node: Node, depth: int) -> ZodSchema:
        """``Base.extend({...})`` anywhere in the chain adds fields; ``merge``/``and`` make the object open."""
        if "extend" in schema.chain or "merge" in schema.chain or "and" in schema.chain or "pick" in schema.chain or "omit" in schema.chain:
            # walk the expression to find extend calls and their argument objects
            current = unwrap(node)
            while current is not None and current.type == "call_expression":
                callee = current.child_by_field_name("function")
                if callee is None or callee.type != "member_expression":
                    break
                prop = text(callee.child_by_field_name("property"))
                args = current.child_by_field_name("arguments")
                first = args.named_children[0] if args is not None and args.named_children else None
                if prop == "extend":
                    obj = self.model.resolve_object(first)
                    if obj is None:
                        schema.open = True
                    else:
                        self._add_members(schema, obj, depth)
                elif prop in ("merge", "and", "pick", "omit"):
                    schema.open = True
                current = unwrap(callee.child_by_field_name("object"))
        return schema


def _walk(node: Node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.named_children)
