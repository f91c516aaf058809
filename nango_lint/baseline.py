"""Baselines: record today's findings so that only new ones fail (adoption on existing code).

File format (paths relative to the baseline file's folder, forward slashes)::

    {"version": 1,
     "files": {"integrations/x/syncs/y.ts": {"NL202": 2}},
     "fingerprints": {"integrations/x/syncs/y.ts": {"NL202": ["3f0c9a1e2b4d5c6e", "..."]}}}

``files`` holds counts per file and rule (ESLint's bulk-suppression shape), so the baseline survives line shifts.
``fingerprints`` (a hash of the rule and the whitespace-normalized text of the flagged line, one per finding) only
refine it: when a (file, rule) has more findings than recorded, the findings whose fingerprint is not in the recorded
multiset are the new ones; if exactly as many are unmatched as the count grew by, only those are reported. Otherwise
(the old lines were edited too) every finding of that pair is reported, as ESLint does. Fingerprints never hide a
finding the counts would report.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from nango_lint.errors import UserError
from nango_lint.findings import Finding

VERSION = 1


class BaselineError(UserError):
    pass


def fingerprint(finding: Finding, line_text: str) -> str:
    normalized = " ".join(line_text.split())
    return hashlib.sha256(f"{finding.code}\0{normalized}".encode()).hexdigest()[:16]


def _line_text(finding: Finding, sources: dict) -> str:
    """The flagged line's text, from the parse when we have it, else from the file on disk."""
    parsed = sources.get(finding.path)
    if parsed is not None:
        lines = parsed.lines
        if 0 < finding.line <= lines.line_count:
            return lines.line_text(finding.line - 1)
        return ""
    try:
        with open(finding.path, "rb") as fh:
            data = fh.read()
    except OSError:
        return ""
    rows = data.decode("utf-8", "replace").splitlines()
    return rows[finding.line - 1] if 0 < finding.line <= len(rows) else ""


def _rel(path: str, folder: Path) -> str:
    return os.path.relpath(os.path.abspath(path), folder).replace(os.sep, "/")


def build(findings: list[Finding], baseline_path: str, sources: dict) -> dict:
    folder = Path(os.path.abspath(baseline_path)).parent
    files: dict[str, dict[str, int]] = {}
    prints: dict[str, dict[str, list[str]]] = {}
    for f in sorted(findings, key=Finding.sort_key):
        rel = _rel(f.path, folder)
        files.setdefault(rel, {}).setdefault(f.code, 0)
        files[rel][f.code] += 1
        prints.setdefault(rel, {}).setdefault(f.code, []).append(fingerprint(f, _line_text(f, sources)))
    for table in (files, prints):
        for rel in table:
            table[rel] = dict(sorted(table[rel].items()))
    return {"version": VERSION, "files": dict(sorted(files.items())), "fingerprints": dict(sorted(prints.items()))}


def write(findings: list[Finding], baseline_path: str, sources: dict) -> tuple[int, int]:
    """Write the baseline atomically; returns (findings, files) recorded."""
    doc = build(findings, baseline_path, sources)
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    target = Path(baseline_path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BaselineError(f"{baseline_path}: cannot write baseline ({exc.strerror or exc})") from None
    return sum(sum(c.values()) for c in doc["files"].values()), len(doc["files"])


@dataclass
class Baseline:
    folder: Path
    counts: dict[str, dict[str, int]]
    prints: dict[str, dict[str, list[str]]]

    @classmethod
    def load(cls, path: str) -> "Baseline":
        try:
            with open(path, encoding="utf-8") as fh:
                doc = json.load(fh)
        except FileNotFoundError:
            raise BaselineError(f"{path}: baseline file not found (create it with --write-baseline {path})") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BaselineError(f"{path}: cannot read baseline ({exc})") from None
        except json.JSONDecodeError as exc:
            raise BaselineError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
        if not isinstance(doc, dict) or doc.get("version") != VERSION:
            raise BaselineError(f"{path}: not a nango-lint baseline (expected \"version\": {VERSION})")
        files, prints = doc.get("files"), doc.get("fingerprints", {})
        ok = isinstance(files, dict) and all(
            isinstance(v, dict) and all(isinstance(n, int) and n >= 0 for n in v.values()) for v in files.values()
        ) and isinstance(prints, dict)
        if not ok:
            raise BaselineError(f"{path}: \"files\" must map paths to {{rule code: count}}")
        return cls(Path(os.path.abspath(path)).parent, files, prints)

    def filter(self, findings: list[Finding], linted: list[str], sources: dict) -> tuple[list[Finding], int]:
        """The findings the baseline does not cover, and how many baseline entries are stale for linted files."""
        groups: dict[tuple[str, str], list[Finding]] = {}
        for f in findings:
            groups.setdefault((_rel(f.path, self.folder), f.code), []).append(f)
        kept: list[Finding] = []
        for (rel, code), group in groups.items():
            recorded = self.counts.get(rel, {}).get(code, 0)
            if len(group) <= recorded:
                continue
            kept.extend(self._new_ones(group, recorded, self.prints.get(rel, {}).get(code), sources))
        stale = 0
        for rel in {_rel(p, self.folder) for p in linted}:
            for code, recorded in self.counts.get(rel, {}).items():
                if len(groups.get((rel, code), ())) < recorded:
                    stale += 1
        kept.sort(key=Finding.sort_key)
        return kept, stale

    @staticmethod
    def _new_ones(group: list[Finding], recorded: int, prints: list[str] | None, sources: dict) -> list[Finding]:
        if recorded == 0 or not prints or len(prints) != recorded:
            return group
        remaining = Counter(prints)
        unmatched = []
        for f in group:
            fp = fingerprint(f, _line_text(f, sources))
            if remaining[fp] > 0:
                remaining[fp] -= 1
            else:
                unmatched.append(f)
        return unmatched if len(unmatched) == len(group) - recorded else group
