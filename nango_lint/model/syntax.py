"""Small, pure helpers over tree-sitter nodes of the TypeScript grammar."""

from __future__ import annotations

from typing import Iterator

from tree_sitter import Node

FUNCTION_TYPES = frozenset(
    {
        "arrow_function",
        "function_expression",
        "function_declaration",
        "method_definition",
        "generator_function",
        "generator_function_declaration",
    }
)
LOOP_TYPES = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})
CONDITIONAL_TYPES = frozenset({"if_statement", "switch_statement", "ternary_expression", "else_clause", "switch_case"})
# Expression wrappers that do not change which value flows through.
TRANSPARENT_TYPES = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression", "type_assertion"}
)


def text(node: Node | None) -> str:
    if node is None:
        return ""
    return node.text.decode("utf-8", "replace") if node.text is not None else ""


def unwrap(node: Node | None) -> Node | None:
    """Strip parentheses, ``as``/``satisfies`` casts and ``!`` so the value expression is left."""
    while node is not None and node.type in TRANSPARENT_TYPES:
        inner = node.named_children[0] if node.named_children else None
        if inner is None:
            break
        node = inner
    return node


def string_value(node: Node | None) -> str | None:
    """The value of a plain string literal or a template string without substitutions, else None."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "string":
        return "".join(text(c) if c.type != "escape_sequence" else _unescape(text(c)) for c in node.named_children)
    if node.type == "template_string":
        if any(c.type == "template_substitution" for c in node.named_children):
            return None
        raw = text(node)
        return raw[1:-1]
    return None


def template_prefix(node: Node | None) -> str | None:
    """For strings and templates: the literal text, with each ``${...}`` replaced by ``\\x00``."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "string":
        return string_value(node)
    if node.type == "template_string":
        parts = []
        for c in node.children:
            if c.type == "template_substitution":
                parts.append("\x00")
            elif c.type in ("string_fragment", "escape_sequence"):
                parts.append(text(c))
        return "".join(parts)
    return None


def _unescape(seq: str) -> str:
    simple = {"\\n": "\n", "\\t": "\t", "\\r": "\r", "\\'": "'", '\\"': '"', "\\\\": "\\", "\\`": "`"}
    return simple.get(seq, seq[1:] if seq.startswith("\\") else seq)


def number_value(node: Node | None) -> float | None:
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "number":
        raw = text(node).replace("_", "")
        try:
            if raw.lower().startswith(("0x", "0o", "0b")):
                return float(int(raw, 0))
            return float(raw)
        except ValueError:
            return None
    if node.type == "unary_expression" and node.child_count == 2 and text(node.children[0]) == "-":
        inner = number_value(node.children[1])
        return -inner if inner is not None else None
    return None


def call_callee(call: Node) -> Node | None:
    """The callee of a ``call_expression``, repairing a tree-sitter-typescript misparse: with type arguments,
    ``await a.b<T>(x)`` (and ``void a.b<T>(x)``) parse as ``(await a.b)<T>(x)``, so the call's ``function`` field
    is an ``await_expression``/``unary_expression`` wrapping the real callee. The call still is ``a.b<T>(x)``."""
    callee = call.child_by_field_name("function")
    if (
        callee is not None
        and callee.type in ("await_expression", "unary_expression")
        and call.child_by_field_name("type_arguments") is not None
        and callee.named_children
    ):
        return callee.named_children[-1]
    return callee


def is_ancestor(ancestor: Node, node: Node) -> bool:
    return ancestor.start_byte <= node.start_byte and node.end_byte <= ancestor.end_byte


def ancestors(node: Node) -> Iterator[Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def enclosing_function(node: Node) -> Node | None:
    for anc in ancestors(node):
        if anc.type in FUNCTION_TYPES:
            return anc
    return None


def property_key(pair: Node) -> str | None:
    """Key of an object member (``pair``, shorthand, method) as a string, when it is static."""
    if pair.type == "shorthand_property_identifier":
        return text(pair)
    if pair.type in ("pair", "method_definition"):
        key = pair.child_by_field_name("key") if pair.type == "pair" else pair.child_by_field_name("name")
        if key is None:
            return None
        if key.type in ("property_identifier", "identifier", "private_property_identifier"):
            return text(key)
        if key.type == "string":
            return string_value(key)
        if key.type == "number":
            return text(key)
        return None  # computed key
    return None


def iter_descendants(node: Node, stop_at_functions: bool = False) -> Iterator[Node]:
    """Pre-order walk with a TreeCursor (no recursion, no per-level list building)."""
    cursor = node.walk()
    visited_children = False
    depth = 0
    while True:
        if not visited_children:
            current = cursor.node
            yield current
            descend = not (stop_at_functions and depth > 0 and current.type in FUNCTION_TYPES)
            if descend and cursor.goto_first_child():
                depth += 1
                continue
        if depth == 0:
            return
        if cursor.goto_next_sibling():
            visited_children = False
        elif cursor.goto_parent():
            depth -= 1
            visited_children = True
            if depth == 0:
                return
        else:
            return


def first_param(fn: Node) -> Node | None:
    """The first formal parameter node (``required_parameter``/``optional_parameter``) of a function."""
    params = fn.child_by_field_name("parameters")
    if params is None:
        # single-parameter arrow function without parentheses: `nango => ...`
        param = fn.child_by_field_name("parameter")
        return param
    for child in params.named_children:
        if child.type in ("required_parameter", "optional_parameter"):
            return child
        if child.type == "identifier":
            return child
    return None


def param_name(param: Node | None) -> str | None:
    if param is None:
        return None
    if param.type == "identifier":
        return text(param)
    pattern = param.child_by_field_name("pattern")
    if pattern is not None and pattern.type == "identifier":
        return text(pattern)
    return None


def param_names(fn: Node) -> set[str]:
    """Every name a function's parameters bind (identifiers and destructured names)."""
    names: set[str] = set()
    params = fn.child_by_field_name("parameters")
    if params is None:
        single = fn.child_by_field_name("parameter")
        if single is not None:
            names.add(text(single))
        return names
    for node in iter_descendants(params):
        if node.type in ("identifier", "shorthand_property_identifier_pattern"):
            parent = node.parent
            # skip default values' references and type annotations
            if parent is not None and parent.type in ("type_annotation",):
                continue
            names.add(text(node))
    return names


def param_type_name(param: Node | None) -> str | None:
    """The referenced type name of a parameter annotation: ``NangoSync`` for ``nango: NangoSync<...>``."""
    if param is None or param.type == "identifier":
        return None
    ann = param.child_by_field_name("type")
    if ann is None:
        return None
    for child in ann.named_children:
        node = child
        if node.type == "generic_type":
            node = node.child_by_field_name("name") or node.named_children[0]
        if node.type in ("type_identifier", "identifier"):
            return text(node)
        if node.type == "nested_type_identifier":
            return text(node).rsplit(".", 1)[-1]
    return None
