"""The config file schema (pydantic). Imported only when a config file is found, to keep lint start-up fast."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nango_lint.settings import OPTION_KEYS

SeverityName = Literal["error", "warning", "info"]


class ConfigFile(BaseModel):
    """One config file's keys (kebab-case, as written). Unknown keys and wrong types are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    extend: str | None = None
    select: list[str] | None = None
    extend_select: list[str] = Field(default_factory=list, alias="extend-select")
    ignore: list[str] = Field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = Field(default_factory=dict, alias="per-file-ignores")
    severity: dict[str, SeverityName] = Field(default_factory=dict)
    exclude: list[str] | None = None
    fail_on: SeverityName | None = Field(None, alias="fail-on")
    max_retries: int | None = Field(None, alias="max-retries", ge=0)
    allowed_imports: list[str] | None = Field(None, alias="allowed-imports")
    changed_only_params: list[str] | None = Field(None, alias="changed-only-params")
    changed_only_endpoints: list[str] | None = Field(None, alias="changed-only-endpoints")
    full_refresh_justification: str | None = Field(None, alias="full-refresh-justification")

    @field_validator("full_refresh_justification")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression ({exc})") from None
        return v

    def options(self) -> dict:
        return {k: getattr(self, k.replace("-", "_")) for k in OPTION_KEYS if getattr(self, k.replace("-", "_")) is not None}


def validate(path: Path, table: dict, prefix: str) -> ConfigFile:
    from nango_lint.config import ConfigError, show

    try:
        return ConfigFile.model_validate(table)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = prefix + ".".join(str(p) for p in err["loc"])
        msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        raise ConfigError(f"{show(path)}: {key}: {msg}") from None
