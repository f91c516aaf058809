"""NL306, NL403-NL410: the ``createSync``/``createAction`` definition (models, frequency, version, metadata and
autoStart, deprecated options) and whether a sync saves anything."""

from __future__ import annotations

import re

from tree_sitter import Node

from nango_lint.checkers._zod import member_node, plain_scalar_problem
from nango_lint.engine import RuleContext
from nango_lint.model.syntax import iter_descendants, string_value, text, unwrap

MODEL_NAME_RE = re.compile(r"^[A-Z][a-zA-Z0-9_]+$")
# an integer, or semver x.y.z (a prerelease / build suffix is valid semver, which the server's increment accepts)
VERSION_RE = re.compile(r"^(\d+|\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?)$")
OBJECT_BASES = ("object", "looseObject", "strictObject")


def _literal_true(node: Node | None) -> bool:
    node = unwrap(node)
    return node is not None and node.type == "true"


# ------------------------------------------------------------------ NL306 deprecated-track-deletes-option


def deprecated_track_deletes_option(ctx: RuleContext) -> None:
    config = ctx.model.config
    if config is None:
        return
    if _literal_true(config.value("trackDeletes")):
        ctx.report(config.member("trackDeletes"))


# ------------------------------------------------------------------ NL403 metadata-requires-autostart-false


def metadata_requires_autostart_false(ctx: RuleContext) -> None:
    model = ctx.model
    config = model.config
    if model.kind != "sync" or config is None:
        return
    if not _literal_true(model.resolve_value(config.value("autoStart"))):
        return  # omitted autoStart means false in zero-yaml (`params.autoStart === true`)
    schema = model.config_schema("metadata")
    if schema is None or not schema.is_object:
        return
    required = [key for key, f in schema.fields.items() if f.known and not f.optional and not f.has_default]
    if not required:
        return
    ctx.report(config.member("autoStart"), fields=", ".join(f"`{k}`" for k in required[:3]))


# ------------------------------------------------------------------ models: NL404 NL405 NL407


def _models(ctx: RuleContext):
    model = ctx.model
    if model.kind != "sync" or model.config is None:
        return None
    return model.config_object("models")


def model_without_string_id(ctx: RuleContext) -> None:
    models = _models(ctx)
    if models is None:
        return
    zod = ctx.model.zod
    for name in models.members:
        value = models.value(name)
        if value is None:
            continue
        schema = zod.parse(value)
        if schema is None or not schema.known:
            continue
        anchor = models.key_node(name)
        if schema.base not in OBJECT_BASES:
            problem = plain_scalar_problem(schema, OBJECT_BASES, zod.names)
            if problem is not None:
                ctx.report(anchor, model=name, problem=f"is {problem}, not a `z.object` with `id: z.string()`")
            continue
        if "and" in schema.chain:
            ctx.report(anchor, model=name, problem="is an intersection (`.and()`), not a `z.object` with `id: z.string()`")
            continue
        if "id" not in schema.fields:
            if not schema.open:
                ctx.report(anchor, model=name, problem="has no `id` field")
            continue
        problem = plain_scalar_problem(schema.fields["id"], ("string",), zod.names)
        if problem is None and schema.fields["id"].known and schema.fields["id"].base != "string":
            problem = f"`z.{schema.fields['id'].base}()`"
        if problem is not None:
            ctx.report(member_node(schema, "id"), model=name, problem=f"has an `id` that is {problem}")


# (method, index of the model-name argument)
MODEL_ARGUMENTS = {
    "batchSave": 1, "batchUpdate": 1, "batchDelete": 1, "batchSend": 1, "getRecordsByIds": 1,
    "setMergingStrategy": 1, "listRecords": 0, "trackDeletesStart": 0, "trackDeletesEnd": 0,
    "deleteRecordsFromPreviousExecutions": 0,
}


def unknown_model(ctx: RuleContext) -> None:
    models = _models(ctx)
    if models is None or models.open:
        return
    known = set(models.members)
    for call in ctx.model.calls(*MODEL_ARGUMENTS):
        index = MODEL_ARGUMENTS[call.method]
        if index >= len(call.arguments):
            continue
        name = string_value(call.arguments[index])
        if name is None or name in known:
            continue
        ctx.report(call.arguments[index], model=name, method=call.method, known=", ".join(sorted(known)) or "none")


def invalid_model_name(ctx: RuleContext) -> None:
    models = _models(ctx)
    if models is None:
        return
    for name in models.members:
        if not MODEL_NAME_RE.match(name):
            ctx.report(models.key_node(name), model=name)


# ------------------------------------------------------------------ NL406 invalid-frequency

MIN_INTERVAL_MS = 30_000
_SPECIAL = {
    "every half day": 12 * 3_600_000, "every half hour": 1_800_000, "every quarter hour": 900_000,
    "every hour": 3_600_000, "every day": 86_400_000, "every month": 30 * 86_400_000, "every week": 7 * 86_400_000,
}
# ms@3.0.0-canary.1 parse()
_MS_RE = re.compile(
    r"^(?P<value>-?(?:\d+)?\.?\d+) *(?P<type>milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h"
    r"|days?|d|weeks?|w|years?|yrs?|y)?$",
    re.IGNORECASE,
)
_MS_UNIT = {"y": 31_557_600_000, "w": 604_800_000, "d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000, "ms": 1}
# the server's frequencySchema (deploy validation)
SERVER_FREQUENCY_RE = re.compile(
    r"^(every )?(([0-9]+)?\s?(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)|(month|week|half day|half hour|quarter hour))$"
)


def _ms(value: str) -> float | None:
    if not value or len(value) > 100:
        return None
    m = _MS_RE.match(value)
    if m is None:
        return None
    unit = (m.group("type") or "ms").lower()
    if unit.startswith(("ms", "msec", "milli")):
        factor = _MS_UNIT["ms"]
    else:
        factor = _MS_UNIT[unit[0]]
    return float(m.group("value")) * factor


def cli_interval(frequency: str) -> float | None:
    """The CLI's ``getInterval``: milliseconds, or None when it says "Interval is invalid"."""
    if frequency in _SPECIAL:
        return _SPECIAL[frequency]
    result = _ms(frequency.replace("every ", "", 1))
    return result or None  # 0 / NaN are falsy in JS


def frequency_problem(frequency: str) -> str | None:
    interval = cli_interval(frequency)
    if interval is None:
        return "the CLI rejects it (`Interval is invalid`)"
    if interval < MIN_INTERVAL_MS:
        return "it is shorter than 30 seconds (`sync_interval_too_short`)"
    if SERVER_FREQUENCY_RE.match(frequency) is None:
        return "the CLI accepts it but the server's deploy validation rejects it (whole numbers of s/m/h/d, or `month`, `week`, `half day`, `half hour`, `quarter hour`)"
    return None


def invalid_frequency(ctx: RuleContext) -> None:
    model = ctx.model
    if model.kind != "sync" or model.config is None:
        return
    node = model.config.value("frequency")
    if node is None:
        return
    value = string_value(model.resolve_value(node))
    if value is None:
        return
    problem = frequency_problem(value)
    if problem is not None:
        ctx.report(node, frequency=value, problem=problem)


# ------------------------------------------------------------------ NL408 sync-saves-nothing

_SAVE_TEXT = re.compile(rb"\.(batchSave|batchUpdate|batchDelete|batchSend)\s*[<(]")


def sync_saves_nothing(ctx: RuleContext) -> None:
    model = ctx.model
    if model.kind != "sync" or model.config is None or model.config.has("exec") is not True:
        return
    if model.calls("batchSave", "batchUpdate", "batchDelete", "batchSend"):
        return
    if _SAVE_TEXT.search(ctx.parsed.source):
        return  # saved through a receiver we did not resolve
    if _nango_handed_on(ctx):
        return  # a helper we cannot see may save
    ctx.report(model.create_call.child_by_field_name("function"))


def _nango_handed_on(ctx: RuleContext) -> bool:
    """Is the nango object passed as an argument, stored, or returned anywhere (unknown code may save)?"""
    model = ctx.model
    for fn, name in model.nango_functions.values():
        for node in iter_descendants(fn):
            if node.type != "identifier" or text(node) != name:
                continue
            parent = node.parent
            if parent is None or parent.type in ("required_parameter", "optional_parameter"):
                continue
            if parent.type == "member_expression" and parent.child_by_field_name("object").id == node.id:
                continue
            if model.is_nango_ref(node):
                return True
    return False


# ------------------------------------------------------------------ NL409 deprecated-config-option

DEPRECATED_OPTIONS = {
    "sync": {"syncType": "deprecated since CLI 0.69.33: remove it (checkpoints express incremental syncs)",
             "endpoints": "deprecated since CLI 0.69.45: remove it (endpoints are generated)"},
    "action": {"endpoint": "deprecated since CLI 0.69.45: remove it (the endpoint is generated)"},
}


def deprecated_config_option(ctx: RuleContext) -> None:
    model = ctx.model
    config = model.config
    if config is None:
        return
    for key, why in DEPRECATED_OPTIONS.get(model.kind, {}).items():
        if key in config.members:
            ctx.report(config.key_node(key), option=key, why=why)


# ------------------------------------------------------------------ NL410 invalid-version


def invalid_version(ctx: RuleContext) -> None:
    model = ctx.model
    if model.config is None or not model.is_function_file:
        return
    node = model.config.value("version")
    if node is None:
        return
    value = string_value(model.resolve_value(node))
    if value is None or VERSION_RE.match(value):
        return
    ctx.report(node, version=value)
