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


@lru_cache(maxsize=16)
def combined_query(grammar: str, codes: frozenset[str]) -> Query:
    cat = catalog()
    parts = [MODEL_QUERY]
    for code in sorted(codes):
        rule = cat.rules.get(code)
        if rule is not None and rule.query:
            parts.append(namespaced(code, rule.query))
    return Query(language(grammar), "\n".join(parts))
