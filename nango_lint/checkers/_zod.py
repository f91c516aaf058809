"""Shared judgements over zod schemas for the schema rules (checkpoint fields, model ids, metadata).

They follow the type matrix verified with tsc (research: nango-function-model.md §1): a checkpoint field must stay a
``ZodString``/``ZodNumber``/``ZodBoolean`` and a model ``id`` a ``ZodString``. Refinements keep the type; wrappers
(``optional``, ``nullable``, ``default``, ``transform``...) and top-level string formats (``z.uuid()``,
``z.email()``, ``z.iso.datetime()``) change it. Anything we cannot see is ``None``: do not flag.
"""

from __future__ import annotations

from tree_sitter import Node

from nango_lint.model.syntax import text, unwrap
from nango_lint.model.zod import REFINEMENTS, ZodSchema

# methods that keep a ZodString/ZodNumber/ZodBoolean assignable to itself
KEEPS_TYPE = REFINEMENTS - {"catch", "readonly"}
# methods that surely change the type (tsc rejects the result where a plain ZodString/Number/Boolean is required)
CHANGES_TYPE = {
    "optional": "`.optional()`",
    "nullable": "`.nullable()`",
    "nullish": "`.nullish()`",
    "default": "`.default()`",
    "prefault": "`.prefault()`",
    "catch": "`.catch()`",
    "readonly": "`.readonly()`",
    "transform": "`.transform()`",
    "pipe": "`.pipe()`",
    "array": "`.array()`",
    "or": "`.or()`",
    "and": "`.and()`",
}
# top-level zod constructors that never give a plain ZodString/ZodNumber/ZodBoolean
OTHER_BASES = {
    "enum": "an enum", "nativeEnum": "an enum", "literal": "a literal", "date": "`z.date()`",
    "object": "a nested object", "looseObject": "a nested object", "strictObject": "a nested object",
    "array": "an array", "tuple": "a tuple", "record": "a record", "map": "a map", "set": "a set",
    "union": "a union", "discriminatedUnion": "a union", "intersection": "an intersection",
    "optional": "`z.optional()`", "nullable": "`z.nullable()`", "nullish": "`z.nullish()`",
    "null": "`z.null()`", "undefined": "`z.undefined()`", "any": "`z.any()`", "unknown": "`z.unknown()`",
    "bigint": "`z.bigint()`", "never": "`z.never()`", "void": "`z.void()`",
    # zod 4 top-level string formats: their own classes, not ZodString (tsc rejects z.uuid()/z.email() as ids)
    "uuid": "`z.uuid()`", "uuidv4": "`z.uuidv4()`", "guid": "`z.guid()`", "email": "`z.email()`",
    "url": "`z.url()`", "cuid": "`z.cuid()`", "cuid2": "`z.cuid2()`", "ulid": "`z.ulid()`",
    "nanoid": "`z.nanoid()`", "ipv4": "`z.ipv4()`", "ipv6": "`z.ipv6()`", "base64": "`z.base64()`",
}


def namespaced_base(schema: ZodSchema, zod_names: frozenset[str]) -> str | None:
    """For schemas the resolver calls unknown because their constructor is namespaced (``z.iso.datetime()``,
    ``z.coerce.number()``): ``"iso.datetime"`` / ``"coerce.number"``."""
    current = unwrap(schema.node)
    while current is not None and current.type == "call_expression":
        callee = current.child_by_field_name("function")
        if callee is None or callee.type != "member_expression":
            return None
        obj = unwrap(callee.child_by_field_name("object"))
        if obj is not None and obj.type == "member_expression":
            root = unwrap(obj.child_by_field_name("object"))
            if root is not None and root.type == "identifier" and text(root) in zod_names:
                return f"{text(obj.child_by_field_name('property'))}.{text(callee.child_by_field_name('property'))}"
        current = obj
    return None


def plain_scalar_problem(schema: ZodSchema | None, allowed: tuple[str, ...], zod_names: frozenset[str]) -> str | None:
    """Why this schema is not a plain ``z.<allowed>()`` (with refinements), or None when it is one or unknown."""
    if schema is None:
        return None
    if not schema.known:
        ns = namespaced_base(schema, zod_names)
        if ns is not None and ns.split(".")[0] in ("iso", "coerce", "string", "number"):
            return f"`z.{ns}()`"
        return None
    if schema.base in allowed:
        for method in schema.chain:
            if method in CHANGES_TYPE:
                return CHANGES_TYPE[method]
        return None  # refinements, or methods we do not know: do not guess
    return OTHER_BASES.get(schema.base)


def member_node(schema: ZodSchema, key: str) -> Node:
    return schema.field_nodes.get(key) or schema.fields[key].node
