"""Grammars and parsing: the right tree-sitter grammar per file extension, one parser per process."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from tree_sitter import Language, Node, Parser, Tree

from nango_lint.positions import LineIndex

TS_EXTENSIONS = (".ts", ".mts", ".cts")
TSX_EXTENSIONS = (".tsx",)
LINTABLE_EXTENSIONS = TS_EXTENSIONS + TSX_EXTENSIONS
BOM = b"\xef\xbb\xbf"


def grammar_for(path: str) -> str:
    """``tsx`` for ``.tsx`` files, ``typescript`` for everything else (``<T>x`` casts break under tsx)."""
    return "tsx" if path.lower().endswith(TSX_EXTENSIONS) else "typescript"


@cache
def language(grammar: str) -> Language:
    import tree_sitter_typescript as tst

    if grammar == "tsx":
        return Language(tst.language_tsx())
    return Language(tst.language_typescript())


@cache
def parser(grammar: str) -> Parser:
    return Parser(language(grammar))


@dataclass(slots=True)
class ParsedSource:
    """One parse of one buffer. ``source`` is the parsed text (a UTF-8 BOM is stripped and remembered)."""

    path: str
    source: bytes
    tree: Tree
    grammar: str
    lines: LineIndex
    had_bom: bool = False

    @property
    def root(self) -> Node:
        return self.tree.root_node

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def parse_source(path: str, raw: bytes) -> ParsedSource:
    had_bom = raw.startswith(BOM)
    source = raw[len(BOM) :] if had_bom else raw
    grammar = grammar_for(path)
    tree = parser(grammar).parse(source)
    return ParsedSource(path, source, tree, grammar, LineIndex(source), had_bom)
