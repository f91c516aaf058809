"""Configuration files: discovery, validation, ``extend``, and per-file resolution into ``Settings``.

A config is ``.nango-lint.toml``, ``nango-lint.toml`` or the ``[tool.nango-lint]`` table of ``pyproject.toml`` (in
that order of preference within one folder; a ``pyproject.toml`` without the table is skipped). The closest one
above each linted file applies; parent configs are not merged, a config inherits only through
``extend = "../base.toml"`` (relative to the file; cycles are errors). Globs (``per-file-ignores``, ``exclude``) are
relative to the folder of the config file that declares them. Command-line flags override config files.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from nango_lint.errors import UserError
from nango_lint.findings import Severity
from nango_lint.settings import OPTION_KEYS, RuleOptions, Settings

CONFIG_NAMES = (".nango-lint.toml", "nango-lint.toml", "pyproject.toml")

if TYPE_CHECKING:
    from nango_lint.config_schema import ConfigFile


class ConfigError(UserError):
    pass


def show(path) -> str:
    """A path for messages: relative to the working folder when it is inside it."""
    rel = os.path.relpath(os.path.abspath(path))
    return str(path) if rel.startswith("..") else rel


@dataclass(frozen=True)
class Layer:
    """One config file in an ``extend`` chain: its keys and the folder its globs are relative to."""

    path: Path
    data: ConfigFile

    @property
    def root(self) -> Path:
        return self.path.parent


@dataclass(frozen=True)
class Config:
    """A resolved config file: its ``extend`` chain, base first."""

    path: Path
    layers: tuple[Layer, ...]


@dataclass(frozen=True)
class CliOverrides:
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    no_suppressions: bool = False


# ---------------------------------------------------------------------------------------------------- loading
def _table(path: Path) -> tuple[dict | None, str]:
    """The nango-lint table of a config file (None for a pyproject.toml without one) and its key prefix."""
    import tomllib

    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{show(path)}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{show(path)}: cannot read config ({exc.strerror or exc})") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        table = tool.get("nango-lint") if isinstance(tool, dict) else None
        if table is not None and not isinstance(table, dict):
            raise ConfigError(f"{show(path)}: tool.nango-lint must be a table")
        return table, "tool.nango-lint."
    return data, ""


def _validate(path: Path, table: dict, prefix: str) -> "ConfigFile":
    # pydantic is imported only when a config file exists: a plain lint run does not pay for it
    from nango_lint.config_schema import validate

    cfg = validate(path, table, prefix)
    for key in ("select", "extend-select", "ignore"):
        for sel in getattr(cfg, key.replace("-", "_")) or []:
            _check_selector(path, prefix + key, sel)
    for glob, sels in cfg.per_file_ignores.items():
        for sel in sels:
            _check_selector(path, f"{prefix}per-file-ignores.{glob}", sel)
    from nango_lint.registry import catalog

    for ident in cfg.severity:
        if catalog().get(ident) is None:
            raise ConfigError(f"{show(path)}: {prefix}severity.{ident}: unknown rule (use a code like NL102 or a name)")
    return cfg


def _check_selector(path: Path, key: str, selector: str) -> None:
    from nango_lint.registry import catalog

    try:
        catalog().select(selector)
    except KeyError:
        raise ConfigError(f"{show(path)}: {key}: unknown rule selector {selector!r}") from None


@lru_cache(maxsize=256)
def load_config(path: Path) -> Config | None:
    """Load one config file and its ``extend`` chain; None for a pyproject.toml without [tool.nango-lint]."""
    table, prefix = _table(path)
    if table is None:
        return None
    layers: list[Layer] = []
    seen: list[Path] = []
    current, cur_table, cur_prefix = path, table, prefix
    while True:
        seen.append(current)
        cfg = _validate(current, cur_table, cur_prefix)
        layers.append(Layer(current, cfg))
        if cfg.extend is None:
            break
        base = Path(os.path.normpath(current.parent / cfg.extend))
        if base in seen:
            chain = " -> ".join(show(p) for p in seen + [base])
            raise ConfigError(f"{show(current)}: {cur_prefix}extend: cycle in extend chain ({chain})")
        if not base.is_file():
            raise ConfigError(f"{show(current)}: {cur_prefix}extend: no such file {cfg.extend!r}")
        base_table, base_prefix = _table(base)
        if base_table is None:
            raise ConfigError(f"{show(current)}: {cur_prefix}extend: {cfg.extend!r} has no [tool.nango-lint] table")
        current, cur_table, cur_prefix = base, base_table, base_prefix
    return Config(path, tuple(reversed(layers)))


@lru_cache(maxsize=4096)
def find_config(folder: Path) -> Config | None:
    """The closest config at or above ``folder`` (an absolute path)."""
    for name in CONFIG_NAMES:
        candidate = folder / name
        if candidate.is_file():
            cfg = load_config(candidate)
            if cfg is not None:
                return cfg
    if folder.parent == folder:
        return None
    return find_config(folder.parent)


# ---------------------------------------------------------------------------------------------------- globs
@lru_cache(maxsize=1024)
def _glob_regex(pattern: str) -> re.Pattern:
    i, out = 0, []
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j]
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out))


def glob_matches(pattern: str, rel: str) -> bool:
    """Whether ``rel`` (a /-separated path relative to the config folder) or one of its parent folders matches.

    A pattern without ``/`` matches a file or folder name anywhere (``*.test.ts``, ``legacy``); one with ``/`` matches
    from the config folder (``integrations/hubspot/**``). ``**`` crosses folders, ``*`` and ``?`` do not.
    """
    pat = pattern.strip()
    if pat.startswith("./"):
        pat = pat[2:]
    pat = pat.strip("/")
    if not pat:
        return False
    parts = rel.split("/")
    regex = _glob_regex(pat)
    if "/" not in pat:
        return any(regex.fullmatch(p) for p in parts)
    return any(regex.fullmatch("/".join(parts[:n])) for n in range(1, len(parts) + 1))


def _rel(path: str, root: Path) -> str:
    return os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")


# ---------------------------------------------------------------------------------------------------- resolution
def _expand(selectors, origin: str) -> set[str]:
    from nango_lint.registry import catalog

    codes: set[str] = set()
    for sel in selectors:
        try:
            codes.update(r.code for r in catalog().select(sel))
        except KeyError:
            raise UserError(f"unknown rule selector {sel!r} {origin} (use a code like NL202, a prefix like NL2, "
                            "or a name)") from None
    return codes


def select_rules(current: set[str], select, extend_select, ignore, origin: str = "on the command line") -> set[str]:
    """One layer of rule selection (ruff's order): ``select`` replaces, then ``extend-select`` adds, ``ignore`` removes."""
    enabled = _expand(select, origin) if select else set(current)
    enabled |= _expand(extend_select, origin)
    enabled -= _expand(ignore, origin)
    return enabled


class Resolver:
    """Settings for each linted file: its closest config (or the forced one), plus the command-line overrides."""

    def __init__(self, cli: CliOverrides, config_path: str | None = None, isolated: bool = False) -> None:
        self.cli = cli
        self.isolated = isolated
        self.forced: Config | None = None
        if config_path is not None and not isolated:
            p = Path(os.path.abspath(config_path))
            if not p.is_file():
                raise ConfigError(f"{config_path}: config file not found")
            self.forced = load_config(p)
            if self.forced is None:
                raise ConfigError(f"{config_path}: no [tool.nango-lint] table")
        self._cache: dict[tuple, Settings] = {}
        # fail early on bad command-line selectors, even when no file is linted
        select_rules(set(), cli.select, cli.extend_select, cli.ignore)

    def config_for(self, path: str) -> Config | None:
        if self.isolated:
            return None
        if self.forced is not None:
            return self.forced
        return find_config(Path(os.path.dirname(os.path.abspath(path))))

    def settings_for(self, path: str) -> Settings:
        from nango_lint.registry import catalog

        cfg = self.config_for(path)
        layers = cfg.layers if cfg else ()
        cat = catalog()
        enabled = cat.default_enabled()
        severity: dict[str, Severity] = {}
        options: dict = {}
        fail_on = "error"
        for layer in layers:
            d = layer.data
            enabled = select_rules(enabled, d.select, d.extend_select, d.ignore, f"in {layer.path}")
            for ident, sev in d.severity.items():
                severity[cat.get(ident).code] = Severity.parse(sev)
            options.update(d.options())
            fail_on = d.fail_on or fail_on
        enabled = select_rules(enabled, self.cli.select, self.cli.extend_select, self.cli.ignore)
        removed: set[str] = set()
        for layer in layers:
            rel = _rel(path, layer.root)
            for glob, sels in layer.data.per_file_ignores.items():
                negated = glob.startswith("!")
                if glob_matches(glob[1:] if negated else glob, rel) != negated:
                    removed |= _expand(sels, f"in {layer.path}")
        enabled -= removed
        key = (cfg.path if cfg else None, frozenset(enabled))
        settings = self._cache.get(key)
        if settings is None:
            settings = Settings(
                enabled=frozenset(enabled),
                severity_overrides=severity,
                options=RuleOptions(**{OPTION_KEYS[k]: tuple(v) if isinstance(v, list) else v for k, v in options.items()}),
                fail_on=Severity.parse(self.cli.fail_on or fail_on),
                all_rules_enabled=enabled == set(cat.rules),
                no_suppressions=self.cli.no_suppressions,
                config_path=str(cfg.path) if cfg else None,
            )
            self._cache[key] = settings
        return settings

    def exclude_for(self, path: str) -> tuple[Path, list[str]] | None:
        cfg = self.config_for(path)
        if cfg is None:
            return None
        for layer in reversed(cfg.layers):  # the nearest layer that sets exclude wins
            if layer.data.exclude is not None:
                return layer.root, layer.data.exclude
        return None

    def is_excluded(self, path: str) -> bool:
        ex = self.exclude_for(path)
        if ex is None:
            return False
        root, globs = ex
        rel = _rel(path, root)
        return any(glob_matches(g, rel) for g in globs)

    def filter_targets(self, targets: list, force_exclude: bool) -> list:
        """Drop targets matched by ``exclude``; files named on the command line only with ``--force-exclude``."""
        return [t for t in targets if (t.explicit and not force_exclude) or not self.is_excluded(t.path)]


# ---------------------------------------------------------------------------------------------------- --show-settings
def settings_document(resolver: Resolver, shown: str) -> dict:
    """The settings a file gets; for a folder, the settings of a file directly inside it."""
    path = os.path.join(shown, "example.ts") if os.path.isdir(shown) else shown
    s = resolver.settings_for(path)
    cfg = resolver.config_for(path)
    ex = resolver.exclude_for(path)
    return {
        "file": shown,
        "config": str(cfg.path) if cfg else None,
        "extends": [str(layer.path) for layer in cfg.layers[:-1]] if cfg else [],
        "excluded": resolver.is_excluded(path),
        "select": sorted(s.enabled),
        "fail-on": str(s.fail_on),
        "severity": {code: str(sev) for code, sev in sorted(s.severity_overrides.items())},
        "exclude": list(ex[1]) if ex else [],
        "suppressions": not s.no_suppressions,
        "options": {key: list(v) if isinstance(v, tuple) else v
                    for key, v in ((k, getattr(s.options, attr)) for k, attr in OPTION_KEYS.items())},
    }


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return json.dumps(str(v), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _toml_key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k, ensure_ascii=False)


def to_toml(doc: dict) -> str:
    lines = [f"# nango-lint settings for {doc['file']}"]
    tables = []
    for k, v in doc.items():
        if k == "file":
            continue
        if isinstance(v, dict):
            tables.append((k, v))
        elif v is not None:
            lines.append(f"{k} = {_toml_value(v)}")
        else:
            lines.append(f"# {k}: none (defaults)")
    for name, table in tables:
        lines += ["", f"[{name}]"] + [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def show_settings(resolver: Resolver, path: str, as_json: bool) -> str:
    doc = settings_document(resolver, path)
    return json.dumps(doc, indent=2) + "\n" if as_json else to_toml(doc)
