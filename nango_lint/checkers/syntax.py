"""NL900: syntax errors. Linting continues on the rest of the file (tree-sitter recovers)."""

from __future__ import annotations

from nango_lint.engine import RuleContext

MAX_REPORTED = 20


def syntax_error(ctx: RuleContext) -> None:
    root = ctx.parsed.root
    if not root.has_error:
        return
    count = 0
    stack = [root]
    found = []
    # depth-first, only into subtrees that contain an error; an ERROR node is reported once, not its insides
    while stack and len(found) < MAX_REPORTED:
        node = stack.pop()
        if node.is_missing:
            found.append((node, f"Syntax error: missing `{node.type}`"))
            continue
        if node.is_error:
            inner = [c for c in node.children if c.has_error or c.is_missing]
            if inner:
                # tree-sitter often wraps a whole file (or function) in one ERROR node around the real
                # problems: report the innermost errors, not "unexpected <the first line of the file>"
                stack.extend(reversed(inner))
                continue
            body = ctx.text(node).strip()
            snippet = body.splitlines()[0][:40] if body else ""
            found.append((node, f"Syntax error: unexpected `{snippet}`" if snippet else "Syntax error"))
            continue
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    for node, message in found:
        ctx.report(node, message=message)
        count += 1
