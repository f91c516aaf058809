"""Resolved settings for one lint run: which rules run, at which severity, with which rule options."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from nango_lint.findings import Severity

DEFAULT_ALLOWED_IMPORTS = (
    "nango", "nango/experimental", "zod", "crypto", "node:crypto", "url", "node:url",
    "unzipper", "soap", "botbuilder",  # accepted by the CLI import check and the runner (research §5C, §9)
)
DEFAULT_CHANGED_ONLY_PARAMS = (
    "modified_after", "updated_after", "updated_since", "modified_since", "changed_since", "since",
    "updated_at_min", "updated_at_gte", "modified_at_gte", "last_modified_after", "changed_after",
    "updatedAfter", "modifiedAfter", "updatedSince", "modifiedSince", "changedSince", "lastModifiedAfter",
    "changedAfter", "updated_min", "updatedMin", "modified_gte", "updated_gte", "updated_at_from",
    "last_updated_after", "lastUpdatedAfter", "modifiedSinceDate", "updatedFrom", "updated_from",
)
DEFAULT_CHANGED_ONLY_ENDPOINTS = ("/changes", "/deleted", "/events", "/feed", "/delta")
DEFAULT_FULL_REFRESH_JUSTIFICATION = (
    r"(?i)full[ -]?(refresh|snapshot|scan|crawl|sync|re-?fetch|enumeration)|blocker"
    r"|no checkpoint|not checkpointed|without (a )?checkpoint"
    r"|(\bno\b|\bnot\b|n't\b|\bnor\b|\bwithout\b)[^.\n]{0,60}?(incremental|chang(ed|es)?[- _]?since|"
    r"(modified|updated|changed)[- _]?(since|after|at|date|time)|delta|change feed)"
)


@dataclass(frozen=True)
class RuleOptions:
    """Options some rules read. Config files use the kebab-case names in ``OPTION_KEYS``.

    A plain dataclass (not pydantic) so that a lint run does not pay pydantic's import cost; config files are
    validated with pydantic in ``config.py``, which is only imported when a config file exists.
    """

    max_retries: int = 3
    allowed_imports: tuple[str, ...] = DEFAULT_ALLOWED_IMPORTS
    changed_only_params: tuple[str, ...] = DEFAULT_CHANGED_ONLY_PARAMS
    changed_only_endpoints: tuple[str, ...] = DEFAULT_CHANGED_ONLY_ENDPOINTS
    full_refresh_justification: str = DEFAULT_FULL_REFRESH_JUSTIFICATION


OPTION_KEYS = {f.name.replace("_", "-"): f.name for f in fields(RuleOptions)}


@dataclass(frozen=True)
class Settings:
    enabled: frozenset[str]
    severity_overrides: dict[str, Severity] = field(default_factory=dict)
    options: RuleOptions = field(default_factory=RuleOptions)
    fail_on: Severity = Severity.ERROR
    all_rules_enabled: bool = False
    no_suppressions: bool = False  # --no-suppressions: ignore every nango-lint-disable directive (audits)
    config_path: str | None = None  # the config file these settings came from (None: defaults / --isolated)

    def __hash__(self) -> int:
        return hash((self.enabled, tuple(sorted(self.severity_overrides.items())), self.options, self.fail_on,
                     self.no_suppressions, self.config_path))
