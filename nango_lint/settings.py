"""Resolved settings for one lint run: which rules run, at which severity, with which rule options."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

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
DEFAULT_FULL_REFRESH_JUSTIFICATION = r"(?i)full[ -]?refresh|blocker"


class RuleOptions(BaseModel):
    """Options some rules read. Config files (``[tool.nango-lint]``) map onto these with kebab-case keys."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    max_retries: int = Field(3, alias="max-retries", ge=0)
    allowed_imports: tuple[str, ...] = Field(DEFAULT_ALLOWED_IMPORTS, alias="allowed-imports")
    changed_only_params: tuple[str, ...] = Field(DEFAULT_CHANGED_ONLY_PARAMS, alias="changed-only-params")
    changed_only_endpoints: tuple[str, ...] = Field(DEFAULT_CHANGED_ONLY_ENDPOINTS, alias="changed-only-endpoints")
    full_refresh_justification: str = Field(DEFAULT_FULL_REFRESH_JUSTIFICATION, alias="full-refresh-justification")


@dataclass(frozen=True)
class Settings:
    enabled: frozenset[str]
    severity_overrides: dict[str, Severity] = field(default_factory=dict)
    options: RuleOptions = field(default_factory=RuleOptions)
    fail_on: Severity = Severity.ERROR
    all_rules_enabled: bool = False

    def __hash__(self) -> int:
        return hash((self.enabled, tuple(sorted(self.severity_overrides.items())), self.options, self.fail_on))
