"""The remote-pass command-line options, and turning them into a checked plan before anything is linted or sent."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from nango_lint.remote.errors import RemoteSetupError
from nango_lint.remote.settings import RemoteSettings, resolve_settings

MISSING: Any = object()
ISO_Z_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z$")

_OPTIONS = [
    click.option("--compile", "remote_compile", is_flag=True,
                 help="After a clean lint, compile: on the Nango server when a secret key resolves (one file per "
                      "run), else offline with the real Nango CLI (files and folders); see --compiler."),
    click.option("--dryrun", "remote_dryrun", is_flag=True,
                 help="Lint, compile, then dry-run the function on the server (needs --connection-id)."),
    click.option("--deploy", "remote_deploy", is_flag=True,
                 help="Lint, compile, dry-run when --connection-id is given, then deploy."),
    click.option("--integration-id", "remote_integration_id", metavar="ID",
                 help="Integration id (default: the folder in <integration>/syncs|actions/<name>.ts)."),
    click.option("--function-name", "remote_function_name", metavar="NAME", help="Function name (default: the file stem)."),
    click.option("--function-type", "remote_function_type", type=click.Choice(["sync", "action"]),
                 help="Checked against createSync/createAction in the file (default: taken from the file)."),
    click.option("--connection-id", "remote_connection_id", metavar="ID", help="Connection to dry-run against."),
    click.option("--input", "remote_input", metavar="JSON|@FILE", help="Dryrun input (actions default to {})."),
    click.option("--metadata", "remote_metadata", metavar="JSON|@FILE", help="Dryrun connection metadata stub (an object)."),
    click.option("--checkpoint", "remote_checkpoint", metavar="JSON|@FILE",
                 help="Dryrun checkpoint: an object of string, number or boolean values."),
    click.option("--last-sync-date", "remote_last_sync_date", metavar="ISO",
                 help="Dryrun last sync date, ISO-8601 in UTC ending in Z."),
    click.option("--environment", "remote_environment", metavar="NAME",
                 help="Use the key in NANGO_SECRET_KEY_<NAME> instead of NANGO_SECRET_KEY."),
    click.option("--api", "remote_api", type=click.Choice(["auto", "current", "legacy"]), default="auto", show_default=True,
                 help="Remote API generation: /functions/* (current) or /remote-function/* (legacy)."),
    click.option("--timeout", "remote_timeout", type=click.FloatRange(min=0.1), metavar="SECONDS",
                 help="Time limit per remote step (default: 240 s compile, 600 s dryrun, 420 s deploy)."),
    click.option("--force", "remote_force", is_flag=True, help="Run the remote pass even when the lint found errors."),
    click.option("--allow-insecure-http", "remote_allow_insecure_http", is_flag=True,
                 help="Allow sending the secret key over plain http:// to a non-loopback host."),
]


def remote_options(fn):
    """Decorate a click command with every remote option (they arrive as ``remote_*`` keyword arguments)."""
    for option in reversed(_OPTIONS):
        fn = option(fn)
    return fn


@dataclass
class RemotePlan:
    path: str  # the one file (or '-')
    display_path: str  # as it is reported
    compile: bool
    dryrun: bool
    deploy: bool
    settings: RemoteSettings
    api: str
    force: bool
    timeout: float | None
    integration_id: str | None
    function_name: str | None
    function_type: str | None
    connection_id: str | None
    dryrun_fields: dict = field(default_factory=dict)  # input/metadata/checkpoint/last_sync_date as given
    input_given: bool = False


def read_json_arg(option: str, value: str) -> Any:
    """Inline JSON, or ``@file.json`` read relative to the working directory."""
    source = "value"
    text = value
    if value.startswith("@"):
        path = Path(value[1:])
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise RemoteSetupError(f"{option} {value}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise RemoteSetupError(f"{option} {value}: cannot read ({exc.__class__.__name__})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RemoteSetupError(f"{option}: invalid JSON in {source} (line {exc.lineno} column {exc.colno}: {exc.msg})") from None


def check_checkpoint(value: Any) -> dict:
    if not isinstance(value, dict):
        raise RemoteSetupError("--checkpoint must be a JSON object")
    for key, item in value.items():
        if item is None or not isinstance(item, (str, int, float, bool)):
            kind = "null" if item is None else type(item).__name__.replace("dict", "object").replace("list", "array")
            raise RemoteSetupError(
                f"--checkpoint value {key!r} is {kind}: checkpoint values must be strings, numbers or booleans")
    return value


def check_last_sync_date(value: str) -> str:
    ok = bool(ISO_Z_RE.match(value))
    if ok:
        try:
            datetime.fromisoformat(value[:-1] + "+00:00")
        except ValueError:
            ok = False
    if not ok:
        raise RemoteSetupError(
            f"--last-sync-date {value!r} is not an ISO-8601 UTC date-time ending in Z (e.g. 2026-01-31T00:00:00Z)")
    return value


DRYRUN_ONLY = {
    "remote_connection_id": "--connection-id",
    "remote_input": "--input",
    "remote_metadata": "--metadata",
    "remote_checkpoint": "--checkpoint",
    "remote_last_sync_date": "--last-sync-date",
}
NEEDS_A_STEP = {
    "remote_integration_id": "--integration-id",
    "remote_function_name": "--function-name",
    "remote_function_type": "--function-type",
    "remote_environment": "--environment",
    "remote_timeout": "--timeout",
    "remote_force": "--force",
    "remote_allow_insecure_http": "--allow-insecure-http",
    **DRYRUN_ONLY,
}


def plan_remote(opts: dict, paths: tuple[str, ...] | list[str], stdin_filename: str | None) -> RemotePlan | None:
    """The checked remote plan, or None when no remote step was asked for. Raises RemoteSetupError."""
    do_compile, do_dryrun, do_deploy = opts.get("remote_compile"), opts.get("remote_dryrun"), opts.get("remote_deploy")
    if not (do_compile or do_dryrun or do_deploy):
        for key, flag in NEEDS_A_STEP.items():
            if opts.get(key):
                raise RemoteSetupError(f"{flag} needs --compile, --dryrun or --deploy")
        if opts.get("remote_api", "auto") != "auto":
            raise RemoteSetupError("--api needs --compile, --dryrun or --deploy")
        return None
    connection = opts.get("remote_connection_id")
    if do_dryrun and not connection:
        raise RemoteSetupError("--dryrun needs --connection-id (the connection to run the function against)")
    if not connection:
        for key, flag in DRYRUN_ONLY.items():
            if opts.get(key):
                raise RemoteSetupError(f"{flag} only applies to a dryrun (add --dryrun and --connection-id)")
    step = "--deploy" if do_deploy else "--dryrun" if do_dryrun else "--compile"
    if len(paths) != 1:
        raise RemoteSetupError(f"{step} works on exactly one file (remote functions are single files); got {len(paths)} paths")
    path = paths[0]
    if path != "-" and os.path.isdir(path):
        raise RemoteSetupError(f"{step} works on one file, and {path} is a directory")
    display = (stdin_filename or "stdin.ts") if path == "-" else path

    fields: dict[str, Any] = {}
    if opts.get("remote_input") is not None:
        fields["input"] = read_json_arg("--input", opts["remote_input"])
    if opts.get("remote_metadata") is not None:
        meta = read_json_arg("--metadata", opts["remote_metadata"])
        if not isinstance(meta, dict):
            raise RemoteSetupError("--metadata must be a JSON object")
        fields["metadata"] = meta
    if opts.get("remote_checkpoint") is not None:
        fields["checkpoint"] = check_checkpoint(read_json_arg("--checkpoint", opts["remote_checkpoint"]))
    if opts.get("remote_last_sync_date") is not None:
        fields["last_sync_date"] = check_last_sync_date(opts["remote_last_sync_date"].strip())

    settings = resolve_settings(opts.get("remote_environment"), bool(opts.get("remote_allow_insecure_http")))
    return RemotePlan(
        path=path,
        display_path=display,
        compile=True,
        dryrun=bool(do_dryrun or (do_deploy and connection)),
        deploy=bool(do_deploy),
        settings=settings,
        api=opts.get("remote_api") or "auto",
        force=bool(opts.get("remote_force")),
        timeout=opts.get("remote_timeout"),
        integration_id=opts.get("remote_integration_id"),
        function_name=opts.get("remote_function_name"),
        function_type=opts.get("remote_function_type"),
        connection_id=connection,
        dryrun_fields=fields,
        input_given="input" in fields,
    )
