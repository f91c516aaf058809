"""The rule catalog: loads ``rules/*.toml`` (packaged as ``nango_lint/_rules``), validates them, resolves selectors."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from dataclasses import dataclass, field
from typing import Iterable

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
KINDS = ("sync", "action", "on-event", "function", "legacy", "module")
SEVERITIES = ("error", "warning", "info")
FIX_KINDS = ("none", "safe", "unsafe", "sometimes")
TOKEN_TYPES = ("identifier", "property_identifier", "shorthand_property_identifier",
               "shorthand_property_identifier_pattern", "string_fragment", "type_identifier")

# Rule files are validated by hand rather than with pydantic: building pydantic models costs ~0.3 s of import
# time, more than the whole lint of a small file. The checks are as strict (unknown keys and wrong types fail).


class RuleFileError(ValueError):
    pass


def _check(data: dict, spec: dict[str, tuple], where: str) -> dict:
    unknown = set(data) - set(spec)
    if unknown:
        raise RuleFileError(f"{where}: unknown key(s) {sorted(unknown)}")
    out = {}
    for key, (types, required, default) in spec.items():
        if key not in data:
            if required:
                raise RuleFileError(f"{where}: missing key {key!r}")
            out[key] = default() if callable(default) else default
            continue
        value = data[key]
        if not isinstance(value, types):
            raise RuleFileError(f"{where}: {key!r} has the wrong type ({type(value).__name__})")
        out[key] = value
    return out


@dataclass(frozen=True)
class Example:
    kind: str  # "incorrect" | "correct"
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


@dataclass(frozen=True)
class Docs:
    what: str
    why: str
    fix_safety: str
    known_problems: str | None = None
    options: tuple[str, ...] = ()
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleSpec:
    """One rule file (``rules/NLxxx-name.toml``)."""

    code: str
    name: str
    severity: str
    summary: str
    message: str
    docs: Docs
    severity_by_kind: dict = field(default_factory=dict)
    default_enabled: bool = True
    applies_to: tuple[str, ...] | None = None
    fix: str = "none"
    query: str | None = None
    checker: str | None = None
    examples: tuple[Example, ...] = ()
    # Reported by the remote pass (--compile/--dryrun/--deploy), never by a static lint: its examples are
    # documentation only (the doc-example test cannot run them).
    remote_only: bool = False
    # A byte-search alternative to a query for rare words: the nodes spelled exactly like one of ``tokens`` (whole
    # words) whose type is in ``token_types`` become the rule's ``report`` captures. Matching every identifier with a
    # query predicate costs ~30 % of a file's query time per rule; a regex over the source costs almost nothing.
    tokens: tuple[str, ...] | None = None
    token_types: tuple[str, ...] = ("identifier",)

    @classmethod
    def from_dict(cls, data: dict, where: str = "rule") -> "RuleSpec":
        top = _check(data, {
            "code": (str, True, None), "name": (str, True, None), "severity": (str, True, None),
            "severity_by_kind": (dict, False, dict), "summary": (str, True, None), "message": (str, True, None),
            "default_enabled": (bool, False, True), "applies_to": (list, False, None), "fix": (str, False, "none"),
            "query": (str, False, None), "checker": (str, False, None), "docs": (dict, True, None),
            "examples": (list, False, list), "remote_only": (bool, False, False),
            "tokens": (list, False, None), "token_types": (list, False, None),
        }, where)
        if not CODE_RE.match(top["code"]):
            raise RuleFileError(f"{where}: rule code {top['code']!r} must look like NL123")
        if not NAME_RE.match(top["name"]):
            raise RuleFileError(f"{where}: rule name {top['name']!r} must be kebab-case")
        for sev in [top["severity"], *top["severity_by_kind"].values()]:
            if sev not in SEVERITIES:
                raise RuleFileError(f"{where}: severity {sev!r} must be one of {SEVERITIES}")
        for kind in [*top["severity_by_kind"], *(top["applies_to"] or [])]:
            if kind not in KINDS:
                raise RuleFileError(f"{where}: unknown function kind {kind!r}")
        for t in top["token_types"] or []:
            if t not in TOKEN_TYPES:
                raise RuleFileError(f"{where}: token_types: {t!r} is not one of {TOKEN_TYPES}")
        if top["fix"] not in FIX_KINDS:
            raise RuleFileError(f"{where}: fix must be one of {FIX_KINDS}")
        d = _check(top["docs"], {
            "what": (str, True, None), "why": (str, True, None), "fix_safety": (str, True, None),
            "known_problems": (str, False, None), "options": (list, False, list), "references": (list, False, list),
        }, f"{where} [docs]")
        docs = Docs(d["what"], d["why"], d["fix_safety"], d["known_problems"], tuple(d["options"]), tuple(d["references"]))
        examples = []
        for i, ex in enumerate(top["examples"]):
            e = _check(ex, {"kind": (str, True, None), "code": (str, True, None), "path": (str, False, None),
                            "title": (str, False, None)}, f"{where} example {i + 1}")
            if e["kind"] not in ("incorrect", "correct"):
                raise RuleFileError(f"{where} example {i + 1}: kind must be incorrect or correct")
            examples.append(Example(**e))
        return cls(
            code=top["code"], name=top["name"], severity=top["severity"], summary=top["summary"],
            message=top["message"], docs=docs, severity_by_kind=dict(top["severity_by_kind"]),
            default_enabled=top["default_enabled"],
            applies_to=tuple(top["applies_to"]) if top["applies_to"] is not None else None,
            fix=top["fix"], query=top["query"], checker=top["checker"], examples=tuple(examples),
            remote_only=top["remote_only"],
            tokens=tuple(top["tokens"]) if top["tokens"] is not None else None,
            token_types=tuple(top["token_types"]) if top["token_types"] is not None else ("identifier",),
        )

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
        others: dict[str, list[str]] = {}
        for kind, sev in self.severity_by_kind.items():
            others.setdefault(sev, []).append(kind)
        parts = [f"{self.severity} (default)"] + [f"{sev} ({', '.join(kinds)})" for sev, kinds in others.items()]
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


def _rules_dir() -> Path:
    # the wheel maps the top-level rules/ folder to nango_lint/_rules (a plain folder inside the package)
    packaged = Path(__file__).resolve().parent / "_rules"
    if packaged.is_dir():
        return packaged
    # Running from a source checkout (editable install or tests): use the top-level rules/ folder.
    return Path(__file__).resolve().parent.parent / "rules"


def load_rule_file(path) -> RuleSpec:
    import tomllib

    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return RuleSpec.from_dict(data, path.name)


def cache_dir() -> Path:
    """nango-lint's own cache folder (never inside the user's project)."""
    import os

    base = os.environ.get("NANGO_LINT_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) / "nango-lint" if xdg else Path.home() / ".cache" / "nango-lint"


def _load_all(folder) -> list[RuleSpec]:
    """Parse every rule file. TOML parsing is pure Python (~2 ms a file), so the parsed catalog is cached as JSON,
    keyed by the rule files' names, sizes and mtimes and the tool version; a miss or an unwritable cache just parses."""
    import json
    import os
    import zlib  # not hashlib: its import alone costs ~4 ms, a visible share of a one-file run

    from nango_lint import __version__

    entries = sorted((e for e in folder.iterdir() if e.name.endswith(".toml")), key=lambda p: p.name)
    parts = [__version__, str(folder)]
    for e in entries:
        try:
            st = os.stat(str(e))
            parts.append(f"{e.name}:{st.st_size}:{st.st_mtime_ns}")
        except (OSError, TypeError):
            parts.append(e.name)
    key = "|".join(parts).encode()
    cache_file = cache_dir() / f"rules-{zlib.crc32(key):08x}{zlib.adler32(key):08x}.json"
    raw: list[tuple[str, dict]] | None = None
    try:
        raw = json.loads(cache_file.read_bytes())
    except (OSError, ValueError):
        raw = None
    if raw is None:
        import tomllib

        raw = []
        for entry in entries:
            with entry.open("rb") as fh:
                raw.append((entry.name, tomllib.load(fh)))
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(raw), encoding="utf-8")
            os.replace(tmp, cache_file)
        except OSError:
            pass
    specs = []
    for name, data in raw:
        try:
            specs.append(RuleSpec.from_dict(data, name))
        except Exception as exc:  # a broken rule file is a packaging bug: say which one
            raise RuntimeError(f"invalid rule file {name}: {exc}") from exc
    return specs


@cache
def catalog() -> Catalog:
    return Catalog(_load_all(_rules_dir()))
