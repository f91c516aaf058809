"""Which names a file binds itself (imports, classes, destructuring...) and which identifiers are globals.

``Bindings`` resolves ``const``/``let``/function declarations and parameters by scope. The sandbox and import rules
also need imports, class and enum names, destructured names, ``catch`` parameters and ``for (const x of ...)``
heads. Those are collected here once per file. Names bound by patterns are treated as bound everywhere in the
file (not by scope): for a rule that flags *globals*, that errs on the side of silence.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING

from tree_sitter import Node

from nango_lint.model.syntax import iter_descendants, string_value, text

if TYPE_CHECKING:
    from nango_lint.model.function import FunctionModel

# parents under which an identifier is not a value reference
_NOT_VALUE_PARENTS = frozenset(
    {
        "import_specifier", "import_clause", "namespace_import", "import_require_clause", "export_specifier",
        "type_query", "labeled_statement", "break_statement", "continue_statement", "nested_identifier",
        "nested_type_identifier", "enum_declaration", "internal_module", "module",
    }
)


@dataclass(slots=True)
class ImportedName:
    local: str
    imported: str | None  # the exported name for `{ a as b }`, "default" for default imports, None for `* as x`
    source: str
    statement: Node
    node: Node  # the local name's identifier node
    type_only: bool  # `import type {...}` or `import { type X }`


class FileNames:
    def __init__(self, model: "FunctionModel") -> None:
        self.model = model
        self.imports: dict[str, ImportedName] = {}
        self._collect_imports()

    # ------------------------------------------------------------------ collection
    def _collect_imports(self) -> None:
        for stmt in self.model.caps.get("m.import", []):
            src_node = stmt.child_by_field_name("source")
            source = string_value(src_node) if src_node is not None else None
            statement_type_only = any(c.type == "type" for c in stmt.children)
            for node in iter_descendants(stmt):
                if node.type == "import_require_clause":
                    ident = next((c for c in node.named_children if c.type == "identifier"), None)
                    req = next((c for c in node.named_children if c.type == "string"), None)
                    if ident is not None:
                        self._add(ImportedName(text(ident), "default", string_value(req) or "", stmt, ident, statement_type_only))
                elif node.type == "import_clause":
                    for c in node.named_children:
                        if c.type == "identifier":  # default import
                            self._add(ImportedName(text(c), "default", source or "", stmt, c, statement_type_only))
                elif node.type == "namespace_import":
                    ident = next((c for c in node.named_children if c.type == "identifier"), None)
                    if ident is not None:
                        self._add(ImportedName(text(ident), None, source or "", stmt, ident, statement_type_only))
                elif node.type == "import_specifier":
                    name = node.child_by_field_name("name")
                    alias = node.child_by_field_name("alias")
                    local = alias if alias is not None else name
                    inline_type = any(c.type == "type" for c in node.children)
                    if local is not None:
                        self._add(ImportedName(text(local), text(name), source or "", stmt, local,
                                               statement_type_only or inline_type))

    def _add(self, imp: ImportedName) -> None:
        self.imports.setdefault(imp.local, imp)

    @cached_property
    def pattern_bound(self) -> frozenset[str]:
        """Names bound by destructuring, ``catch``, ``for (x of ...)``, classes, enums and namespaces (one query)."""
        from tree_sitter import QueryCursor

        caps = QueryCursor(_binding_query(self.model.parsed.grammar)).captures(self.model.root)
        return frozenset(text(n) for n in caps.get("b", []))

    # ------------------------------------------------------------------ queries
    def is_bound(self, name: str, at: Node) -> bool:
        """Does ``name`` at ``at`` refer to anything this file declares or imports?"""
        if name in self.imports or name in self.pattern_bound:
            return True
        return self.model.bindings.resolve(name, at) is not None

    def is_global_ref(self, ident: Node) -> bool:
        """An identifier used as a value that refers to no binding of this file: a global of the runtime."""
        if ident.type not in ("identifier", "shorthand_property_identifier"):
            return False
        parent = ident.parent
        if parent is not None:
            if parent.type in _NOT_VALUE_PARENTS:
                return False
            if parent.type == "unary_expression" and text(parent.children[0]) == "typeof":
                return False  # `typeof fetch === 'function'` is a safe feature test
            if parent.type == "variable_declarator" and parent.child_by_field_name("name") == ident:
                return False
            if parent.type in ("required_parameter", "optional_parameter") and parent.child_by_field_name("pattern") == ident:
                return False
        if _in_type(ident):
            return False
        return not self.is_bound(text(ident), ident)

    def import_of(self, ident: Node) -> ImportedName | None:
        """The import an identifier refers to (by name, unless a local declaration shadows it at that point)."""
        name = text(ident)
        imp = self.imports.get(name)
        if imp is None:
            return None
        if self.model.bindings.resolve(name, ident) is not None:
            return None
        return imp


_BINDING_PATTERNS = """
(shorthand_property_identifier_pattern) @b
(pair_pattern value: (identifier) @b)
(array_pattern (identifier) @b)
(assignment_pattern left: (identifier) @b)
(rest_pattern (identifier) @b)
(catch_clause parameter: (identifier) @b)
(for_in_statement left: (identifier) @b)
(class_declaration name: (_) @b)
(abstract_class_declaration name: (_) @b)
(class name: (_) @b)
(enum_declaration name: (_) @b)
(internal_module name: (_) @b)
"""


@cache
def _binding_query(grammar: str):
    from tree_sitter import Query

    from nango_lint.parsing import language

    return Query(language(grammar), _BINDING_PATTERNS)


def in_type_position(node: Node) -> bool:
    """Is the node part of a type (an annotation, a generic argument, the type side of ``as``/``satisfies``)?
    tree-sitter parses ``x satisfies import('nango').T`` with an expression on the type side."""
    return _in_type(node)


def _in_type(node: Node) -> bool:
    child = node
    parent = node.parent
    while parent is not None:
        t = parent.type
        if t in ("satisfies_expression", "as_expression") and parent.named_children and child.id != parent.named_children[0].id:
            return True
        child = parent
        if t in ("type_annotation", "type_arguments", "type_alias_declaration", "interface_declaration", "type_query",
                 "type_parameters", "implements_clause", "ambient_declaration"):
            return True
        if t in ("statement_block", "program", "arguments", "expression_statement"):
            return False
        parent = parent.parent
    return False
