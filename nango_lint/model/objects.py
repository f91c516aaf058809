"""Object literals and provider configs as the rules see them: known keys, spreads, and unknown values."""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from nango_lint.model.syntax import property_key, unwrap


@dataclass(slots=True)
class ObjectLiteral:
    """An ``object`` node with its static keys. ``open`` means some keys cannot be known (spread, computed key,
    or the binding is mutated elsewhere): a rule that flags a *missing* key must not fire on an open object."""

    node: Node
    members: dict[str, Node] = field(default_factory=dict)
    spreads: list[Node] = field(default_factory=list)
    computed: bool = False
    mutated: bool = False

    @classmethod
    def of(cls, node: Node) -> "ObjectLiteral":
        obj = cls(node)
        for child in node.named_children:
            t = child.type
            if t == "spread_element":
                obj.spreads.append(child)
            elif t in ("pair", "shorthand_property_identifier", "method_definition"):
                key = property_key(child)
                if key is None:
                    obj.computed = True
                elif key not in obj.members:
                    obj.members[key] = child
        return obj

    @property
    def open(self) -> bool:
        return bool(self.spreads) or self.computed or self.mutated

    def has(self, key: str) -> bool | None:
        """True if present, False if surely absent, None if unknown (an open object without the key)."""
        if key in self.members:
            return True
        return None if self.open else False

    def member(self, key: str) -> Node | None:
        return self.members.get(key)

    def value(self, key: str) -> Node | None:
        """The value expression of a key: the pair's value, the shorthand identifier itself, or the method."""
        member = self.members.get(key)
        if member is None:
            return None
        if member.type == "pair":
            return unwrap(member.child_by_field_name("value"))
        return member

    def key_node(self, key: str) -> Node | None:
        member = self.members.get(key)
        if member is None:
            return None
        if member.type == "pair":
            return member.child_by_field_name("key")
        if member.type == "method_definition":
            return member.child_by_field_name("name")
        return member


@dataclass(slots=True)
class ConfigRef:
    """The first argument of a provider call, resolved as far as the file allows.

    ``status`` is ``inline`` (an object literal at the call), ``bound`` (an identifier bound by scope to an object
    literal in this file), ``missing`` (no argument) or ``unknown`` (parameter, call result, import, spread...).
    """

    status: str
    argument: Node | None
    obj: ObjectLiteral | None = None
    declarator: Node | None = None

    @property
    def known(self) -> bool:
        return self.obj is not None

    def has(self, key: str) -> bool | None:
        if self.obj is None:
            return None
        return self.obj.has(key)

    def value(self, key: str) -> Node | None:
        return self.obj.value(key) if self.obj is not None else None
