"""The rule catalog: loads ``rules/*.toml`` (packaged as ``nango_lint/_rules``), validates them, resolves selectors."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from nango_lint.findings import Severity

CODE_RE = re.compile(r"^NL\d{3}$")
NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

CATEGORIES = {
    "NL0": "file-structure",
    "NL1": "provider-calls",
    "NL2": "checkpoints",
    "NL3": "deletes",
    "NL4": "sync-definition",
    "NL5": "actions",
    "NL6": "runtime-sandbox",
    "NL7": "conventions",
    "NL8": "security",
    "NL9": "meta",
}

Kind = Literal["sync", "action", "on-event", "function", "legacy", "module"]


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["incorrect", "correct"]
    code: str
    path: str | None = None
    title: str | None = None

    def file_path(self) -> str:
        """Where the example pretends to live: a Nango project path that matches what it defines."""
        if self.path:
            return self.path
        if "createAction" in self.code:
            return "demo/actions/example.ts"
        if "createOnEvent" in self.code:
            return "demo/on-events/example.ts"
        return "demo/syncs/example.ts"


class Docs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    what: str
    why: str
    fix_safety: str
    known_problems: str | None = None
    options: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)


class RuleSpec(BaseModel):
    """One rule file. Unknown keys are an error, so a typo in a rule file fails loudly in the tests."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: str
    severity: Literal["error", "warning", "info"]
    severity_by_kind: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=dict)
    summary: str
    message: str
    default_enabled: bool = True
    applies_to: tuple[Kind, ...] | None = None
    fix: Literal["none", "safe", "unsafe", "sometimes"] = "none"
    query: str | None = None
    checker: str | None = None
    # Reported by the remote pass (--compile/--dryrun/--deploy), never by a static lint: its examples are documentation
    # only (the doc-example test cannot run them).
    remote_only: bool = False
    docs: Docs
    examples: tuple[Example, ...] = ()

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not CODE_RE.match(v):
            raise ValueError(f"rule code {v!r} must look like NL123")
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not NAME_RE.match(v):
            raise ValueError(f"rule name {v!r} must be kebab-case")
        return v

    @property
    def category(self) -> str:
        return CATEGORIES[self.code[:3]]

    @property
    def default_severity(self) -> Severity:
        return Severity.parse(self.severity)

    def severity_for(self, kind: str) -> Severity:
        return Severity.parse(self.severity_by_kind.get(kind, self.severity))

    def severity_label(self) -> str:
        if not self.severity_by_kind:
            return self.severity
        parts = [self.severity] + [f"{sev} ({kind})" for kind, sev in self.severity_by_kind.items()]
        return " / ".join(parts)

    def explain(self) -> str:
        """The rule's documentation as Markdown, in ruff's layout."""
        out = [f"# {self.name} ({self.code})", ""]
        fixable = {"none": "Fix is not available.", "safe": "Fix is always available (safe).",
                   "unsafe": "Fix is available (unsafe: applied only with --unsafe-fixes).",
                   "sometimes": "Fix is sometimes available."}[self.fix]
        state = "" if self.default_enabled else " Off by default: enable it with --select or extend-select."
        out += [f"Default severity: {self.severity_label()}. Category: {self.category}. {fixable}{state}", ""]
        if self.applies_to:
            out += [f"Applies to: {', '.join(self.applies_to)} files.", ""]
        out += ["## What it does", self.docs.what.strip(), "", "## Why is this bad?", self.docs.why.strip(), ""]
        if self.docs.known_problems:
            out += ["## Known problems", self.docs.known_problems.strip(), ""]
        incorrect = [e for e in self.examples if e.kind == "incorrect"]
        correct = [e for e in self.examples if e.kind == "correct"]
        if incorrect:
            out += ["## Example", "```ts", incorrect[0].code.strip("\n"), "```", ""]
        if correct:
            out += ["Use instead:", "```ts", correct[0].code.strip("\n"), "```", ""]
        out += ["## Fix safety", self.docs.fix_safety.strip(), ""]
        if self.docs.options:
            out += ["## Options"] + [f"- `{o}`" for o in self.docs.options] + [""]
        if self.docs.references:
            out += ["## References"] + [f"- {r}" for r in self.docs.references] + [""]
        return "\n".join(out).rstrip() + "\n"


class Catalog:
    def __init__(self, rules: Iterable[RuleSpec]) -> None:
        self.rules: dict[str, RuleSpec] = {}
        self.by_name: dict[str, RuleSpec] = {}
        for rule in sorted(rules, key=lambda r: r.code):
            if rule.code in self.rules:
                raise ValueError(f"duplicate rule code {rule.code}")
            if rule.name in self.by_name:
                raise ValueError(f"duplicate rule name {rule.name}")
            self.rules[rule.code] = rule
            self.by_name[rule.name] = rule

    def __iter__(self):
        return iter(self.rules.values())

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, ident: str) -> RuleSpec | None:
        ident = ident.strip()
        return self.rules.get(ident.upper()) or self.by_name.get(ident.lower())

    def select(self, selector: str) -> list[RuleSpec]:
        """Rules matched by a code (``NL202``), a prefix (``NL2``, ``NL20``), a name, or ``ALL``.

        Raises ``KeyError`` for a selector that matches nothing, so typos never silently select nothing.
        """
        sel = selector.strip()
        if sel.upper() == "ALL":
            return list(self.rules.values())
        rule = self.get(sel)
        if rule is not None:
            return [rule]
        up = sel.upper()
        if re.match(r"^NL\d{0,3}$", up):
            matched = [r for code, r in self.rules.items() if code.startswith(up)]
            if matched:
                return matched
        raise KeyError(selector)

    def default_enabled(self) -> set[str]:
        return {r.code for r in self if r.default_enabled}


def _rules_dir():
    packaged = resources.files("nango_lint") / "_rules"
    if packaged.is_dir():
        return packaged
    # Running from a source checkout (editable install or tests): use the top-level rules/ folder.
    return Path(__file__).resolve().parent.parent / "rules"


def load_rule_file(path) -> RuleSpec:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return RuleSpec.model_validate(data)


@cache
def catalog() -> Catalog:
    folder = _rules_dir()
    specs = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".toml"):
            try:
                specs.append(load_rule_file(entry))
            except Exception as exc:  # a broken rule file is a packaging bug: say which one
                raise RuntimeError(f"invalid rule file {entry.name}: {exc}") from exc
    return Catalog(specs)
