"""One combined tree-sitter Query per grammar and rule set, compiled lazily and once per process.

The model's own patterns and every enabled rule's ``query`` are concatenated into a single Query, so each file is
walked by the query engine exactly once. Rule captures are namespaced (``@report`` in ``NL401`` becomes
``@NL401.report``) so ``captures()`` can hand each rule only its own nodes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tree_sitter import Query

from nango_lint.model.function import MODEL_QUERY
from nango_lint.parsing import language
from nango_lint.registry import catalog

_CAPTURE = re.compile(r"@([A-Za-z_][A-Za-z0-9_]*)")


def namespaced(code: str, query: str) -> str:
    return _CAPTURE.sub(lambda m: f"@{code}.{m.group(1)}", query)


_NODE_TYPE = re.compile(r"\((?!#)([A-Za-z_][A-Za-z0-9_]*)")
_SPECIAL = frozenset({"ERROR", "MISSING", "_"})


def top_level_patterns(query: str) -> list[str]:
    """Split a query into its top-level patterns (balanced ``(...)`` / ``[...]`` groups with their captures),
    ignoring brackets inside strings and comments."""
    out, depth, start, i, n = [], 0, None, 0, len(query)
    while i < n:
        c = query[i]
        if c == '"':
            i += 1
            while i < n and query[i] != '"':
                i += 2 if query[i] == "\\" else 1
        elif c == ";":
            while i < n and query[i] != "\n":
                i += 1
        elif c in "([":
            if depth == 0:
                if start is not None:
                    out.append(query[start:i].strip())
                start = i
            depth += 1
        elif c in ")]":
            depth -= 1
        i += 1
    if start is not None and query[start:].strip():
        out.append(query[start:].strip())
    return out


def for_grammar(query: str, grammar: str) -> str:
    """Drop the patterns that name node types this grammar lacks (``type_assertion`` does not exist in TSX, where
    ``<T>x`` is JSX), so one rule file serves both grammars."""
    lang = language(grammar)
    kept = []
    for pattern in top_level_patterns(query):
        kinds = {k for k in _NODE_TYPE.findall(pattern) if k not in _SPECIAL}
        if all(lang.id_for_node_kind(k, True) is not None for k in kinds):
            kept.append(pattern)
    return "\n".join(kept)


@lru_cache(maxsize=16)
def combined_query(grammar: str, codes: frozenset[str]) -> Query:
    cat = catalog()
    parts = [MODEL_QUERY]
    for code in sorted(codes):
        rule = cat.rules.get(code)
        if rule is not None and rule.query:
            parts.append(namespaced(code, for_grammar(rule.query, grammar)))
    return Query(language(grammar), "\n".join(parts))
