"""The README stays true: its rule table is generated from rules/, and .ci/run runs its test command."""

from __future__ import annotations

import re

from nango_lint.registry import catalog
from tests.helpers import ROOT

BEGIN, END = "<!-- rules-table:begin -->", "<!-- rules-table:end -->"


def render_rule_table() -> str:
    rows = ["| Code | Name | Severity | Fix | Summary |", "|---|---|---|---|---|"]
    for r in catalog():
        sev = r.severity_label() + ("" if r.default_enabled else ", off by default")
        fix = {"none": "", "safe": "safe", "unsafe": "unsafe", "sometimes": "sometimes"}[r.fix]
        rows.append(f"| {r.code} | `{r.name}` | {sev} | {fix} | {r.summary} |")
    return "\n".join(rows)


def test_readme_rule_table_matches_rules():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert BEGIN in readme and END in readme
    current = readme.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    expected = render_rule_table()
    assert current == expected, "README rule table is stale: run `python -m tests.test_readme` to regenerate it"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- test-command -->\s*```(?:sh|bash)?\n(.+?)\n```", readme, re.S)
    assert m, "README must mark its test command with <!-- test-command -->"
    command = m.group(1).strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci.splitlines(), f".ci/run must run the README test command verbatim: {command}"


if __name__ == "__main__":  # regenerate the table in place
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{render_rule_table()}\n{END}{tail}", encoding="utf-8")
