"""Lexical scope: which declaration a name refers to at a given point of the file."""

from __future__ import annotations

from tree_sitter import Node

from nango_lint.model.syntax import FUNCTION_TYPES, param_names, text

SCOPE_TYPES = frozenset(
    {"program", "statement_block", "for_statement", "for_in_statement", "switch_body", "class_body"}
) | FUNCTION_TYPES


def declaration_scope(decl: Node) -> Node | None:
    """The node whose extent a ``variable_declarator`` (or function declaration) is visible in."""
    parent = decl.parent
    function_scoped = parent is not None and parent.type == "variable_declaration"  # `var`
    node = parent
    while node is not None:
        if function_scoped:
            if node.type in FUNCTION_TYPES or node.type == "program":
                return node
        elif node.type in SCOPE_TYPES:
            return node
        node = node.parent
    return None


class Bindings:
    """Declarations by name, resolved innermost-first with parameters shadowing outer declarations."""

    def __init__(self, declarators: list[Node], functions: list[Node]) -> None:
        self._by_name: dict[str, list[tuple[Node, Node]]] = {}
        for decl in declarators:
            name = decl.child_by_field_name("name")
            if name is None or name.type != "identifier":
                continue
            scope = declaration_scope(decl)
            if scope is not None:
                self._by_name.setdefault(text(name), []).append((scope, decl))
        for fn in functions:
            if fn.type in ("function_declaration", "generator_function_declaration"):
                name = fn.child_by_field_name("name")
                parent = fn.parent
                scope = parent if parent is not None else None
                # `export function f` lives in the export statement's parent scope
                while scope is not None and scope.type not in SCOPE_TYPES:
                    scope = scope.parent
                if name is not None and scope is not None:
                    self._by_name.setdefault(text(name), []).append((scope, fn))
        self._param_cache: dict[int, set[str]] = {}

    def names(self) -> set[str]:
        return set(self._by_name)

    def declarations(self, name: str) -> list[Node]:
        return [decl for _, decl in self._by_name.get(name, ())]

    def _params(self, fn: Node) -> set[str]:
        key = fn.id
        cached = self._param_cache.get(key)
        if cached is None:
            cached = param_names(fn)
            if fn.type in ("function_expression", "generator_function"):
                fname = fn.child_by_field_name("name")
                if fname is not None:
                    cached = cached | {text(fname)}
            self._param_cache[key] = cached
        return cached

    def resolve(self, name: str, at: Node) -> tuple[str, Node] | None:
        """``("decl", declarator_or_function)`` or ``("param", function)`` for the binding ``name`` refers to at
        ``at``, or None when it is not declared in this file (a global or an import)."""
        candidates = self._by_name.get(name)
        node = at.parent
        while node is not None:
            if node.type in FUNCTION_TYPES and name in self._params(node):
                return ("param", node)
            if candidates and node.type in SCOPE_TYPES:
                in_scope = [decl for scope, decl in candidates if scope.id == node.id]
                if in_scope:
                    before = [d for d in in_scope if d.start_byte <= at.start_byte]
                    chosen = max(before, key=_start) if before else min(in_scope, key=_start)
                    return ("decl", chosen)
            node = node.parent
        return None


def _start(node: Node) -> int:
    return node.start_byte
