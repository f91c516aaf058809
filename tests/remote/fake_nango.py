"""A real HTTP server on loopback that behaves like a Nango server's remote-function API, both generations.

Written from research/nango-remote-api.md: the legacy ``POST /remote-function/{compile,dryrun,deploy}`` (synchronous)
and the current ``/functions/compile``, ``/functions/dryruns`` and ``/functions/deployments`` (async: 202, then
``GET .../{id}`` until ``success`` or ``failed``). Middleware order as on the server: unknown path -> Express's HTML
404; wrong Content-Type -> 415; malformed JSON -> 400 invalid_json; auth (401: missing header, malformed header,
non-UUID-v4 key, unknown key); rate limit (429 + Retry-After); scope (403); strict zod-like body validation (400
invalid_body with ``errors[]`` of ``{code, message, path}``; a query string is 400 invalid_query_params); then the
handler (customer-key check, integration / connection lookups, overwrite protection, 503 when the sandbox is
unavailable). The "compiler" and "runtime" are small simulations driven by the code that was sent, so the tests can
check that the client sent the user's file and mapped positions back.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import urlsplit

UUID4_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.I)
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
INTEGRATION_RE = re.compile(r"^[a-zA-Z0-9~:.@ _-]+$")
NAME_RE = re.compile(r"^[a-zA-Z0-9_-]+$")
CONNECTION_RE = re.compile(r"""^[a-zA-Z0-9,.;:=+~\[\]|@${}"'\\/_ -]+$""")
DATETIME_Z_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z$")
ALLOWED_IMPORTS = {"nango", "nango/experimental", "zod", "crypto", "node:crypto", "url", "node:url", "unzipper", "soap",
                   "botbuilder"}

SCOPE_COMPILE = "environment:functions:compile"
SCOPE_DRYRUN = "environment:functions:dryrun"
SCOPE_DEPLOY = "environment:deploy"


@dataclass
class Account:
    scopes: tuple[str, ...] = ("environment:*",)
    customer: bool = True  # a dashboard-issued key (dryrun/deploy need one)


@dataclass
class Recorded:
    method: str
    path: str  # without the query string
    query: str
    headers: dict  # lower-case names
    body: Any  # parsed JSON (None if none or unparseable)
    raw: bytes


class HttpReply(Exception):
    def __init__(self, status: int, body: Any, headers: dict | None = None, html: bool = False) -> None:
        self.status, self.body, self.headers, self.html = status, body, headers or {}, html


def err(status: int, code: str, message: str | None = None, **more) -> HttpReply:
    e: dict = {"code": code}
    if message is not None:
        e["message"] = message
    e.update(more)
    return HttpReply(status, {"error": e})


# ---------------------------------------------------------------- strict bodies (zod .strict())
def _string(rx: re.Pattern | None = None, min_len: int = 0, max_len: int = 10**9, not_in: tuple = ()):
    def check(v):
        if not isinstance(v, str):
            return "invalid_type", f"Invalid input: expected string, received {_typename(v)}"
        if len(v) < min_len:
            return "too_small", f"Too small: expected string to have >={min_len} characters"
        if len(v) > max_len:
            return "too_big", f"Too big: expected string to have <={max_len} characters"
        if rx is not None and not rx.match(v):
            return "invalid_format", "Invalid string: must match pattern"
        if v in not_in:
            return "custom", "Invalid value"
        return None
    return check


def _enum(*values):
    def check(v):
        if v not in values:
            return "invalid_value", "Invalid option: expected one of " + "|".join(f'"{x}"' for x in values)
        return None
    return check


def _record(v):
    return None if isinstance(v, dict) else ("invalid_type", f"Invalid input: expected record, received {_typename(v)}")


def _boolean(v):
    return None if isinstance(v, bool) else ("invalid_type", f"Invalid input: expected boolean, received {_typename(v)}")


def _anything(v):
    return None


def _datetime(v):
    if not isinstance(v, str) or not DATETIME_Z_RE.match(v):
        return "invalid_format", "Invalid ISO datetime"
    return None


def _typename(v) -> str:
    return {type(None): "null", bool: "boolean", int: "number", float: "number", str: "string", list: "array",
            dict: "object"}.get(type(v), "unknown") if v is not _MISSING else "undefined"


_MISSING = object()
INTEGRATION = _string(INTEGRATION_RE, 1, 255, (".", ".."))
FUNCTION_NAME = _string(NAME_RE, 1, 255)
FUNCTION_TYPE = _enum("action", "sync")
CODE = _string(min_len=1)
CONNECTION = _string(CONNECTION_RE, 1, 255)
DRYRUN_EXTRAS = {"input": (False, _anything), "metadata": (False, _record), "checkpoint": (False, _record),
                 "last_sync_date": (False, _datetime)}

SCHEMAS = {
    "current-compile": {"code": (True, CODE)},
    "current-dryrun": {"integration_id": (True, INTEGRATION), "function_type": (True, FUNCTION_TYPE), "code": (True, CODE),
                       "connection_id": (True, CONNECTION), **DRYRUN_EXTRAS},
    "current-deploy-function": {"type": (True, _enum("function")), "integration_id": (True, INTEGRATION),
                                "function_name": (True, FUNCTION_NAME), "function_type": (True, FUNCTION_TYPE),
                                "code": (True, CODE), "version": (False, _string(min_len=1)),
                                "allow_destructive": (False, _boolean)},
    "legacy-compile": {"integration_id": (True, INTEGRATION), "function_name": (True, FUNCTION_NAME),
                       "function_type": (True, FUNCTION_TYPE), "code": (True, CODE)},
    "legacy-dryrun": {"integration_id": (True, INTEGRATION), "function_name": (True, FUNCTION_NAME),
                      "function_type": (True, FUNCTION_TYPE), "code": (True, CODE), "connection_id": (True, CONNECTION),
                      **DRYRUN_EXTRAS},
    "legacy-deploy": {"integration_id": (True, INTEGRATION), "function_name": (True, FUNCTION_NAME),
                      "function_type": (True, FUNCTION_TYPE), "code": (True, CODE),
                      "allow_destructive": (False, _boolean)},
}


def validate(schema_name: str, body: Any) -> dict:
    schema = SCHEMAS[schema_name]
    if not isinstance(body, dict):
        raise err(400, "invalid_body", errors=[{"code": "invalid_type",
                                                 "message": f"Invalid input: expected object, received {_typename(body)}",
                                                 "path": []}])
    errors = []
    unknown = [k for k in body if k not in schema]
    if unknown:
        errors.append({"code": "unrecognized_keys",
                       "message": "Unrecognized key" + ("s" if len(unknown) > 1 else "") + ": " + ", ".join(f'"{k}"' for k in unknown),
                       "path": []})
    for key, (required, check) in schema.items():
        value = body.get(key, _MISSING)
        if value is _MISSING:
            if required:
                errors.append({"code": "invalid_type", "message": f"Invalid input: expected {'string' if key != 'type' else 'value'}, received undefined",
                               "path": [key]})
            continue
        problem = check(value)
        if problem:
            errors.append({"code": problem[0], "message": problem[1], "path": [key]})
    if errors:
        raise err(400, "invalid_body", errors=errors)
    return body


# ---------------------------------------------------------------- the simulated Nango CLI
def _diag(path: str, line0: int, char0: int, message: str) -> str:
    """The Nango CLI's fileErrorToText, quirks included (no position on line 1, no column on column 1)."""
    loc = f":{line0 + 1}" + (f":{char0 + 1}" if char0 else "") if line0 else ""
    return f"err - {path}{loc} \r\n  {message}\r\n"


def fake_compile(code: str, path: str) -> str | None:
    """None when the code compiles, else the CLI's combined stdout+stderr text."""
    type_errors = []
    for m in re.finditer(r"retries:\s*('[^']*'|\"[^\"]*\")", code):
        start = m.start(1)
        line0 = code.count("\n", 0, start)
        char0 = start - (code.rfind("\n", 0, start) + 1)
        type_errors.append(_diag(path, line0, char0, "Type 'string' is not assignable to type 'number'."))
    if type_errors:
        n = len(type_errors)
        return "\n" + "\n".join(type_errors) + "\n✗ Typechecking\nFound " + (f"{n} error" if n == 1 else f"{n} errors")
    for m in re.finditer(r"""^import\s+(?!type\b)[^'"]*from\s+['"]([^'"]+)['"]""", code, re.M):
        if m.group(1) not in ALLOWED_IMPORTS:
            line0 = code.count("\n", 0, m.start())
            return (f"✓ Typechecking\n✗ Failed to build ./{path[:-3]}.js\n"
                    + _diag("./" + path, line0, 0, f"Import of package '{m.group(1)}' is not allowed. "
                            "Allowed packages are: " + ", ".join(sorted(ALLOWED_IMPORTS))).rstrip())
    if not re.search(r"export\s+default\s+create(Sync|Action|OnEvent|Function)\(", code):
        return "✓ Typechecking\n✓ Building 1 file(s)\n✗ Generating artifacts\nScript should have a default export"
    return None


def fake_run(code: str, kind: str, body: dict) -> tuple[bool, str, Any]:
    """(ok, stdout-or-error text, action result) of ``nango dryrun``."""
    m = re.search(r"throw new Error\(['\"]([^'\"]*)['\"]\)", code)
    if m:
        return False, ('Executing -> integration:"x" script:"function"\n'
                       f'An error occurred during execution\n{{"message":"{m.group(1)}","name":"Error"}}'), None
    checkpoint = body.get("checkpoint") or {}
    if any(isinstance(v, (dict, list)) or v is None for v in checkpoint.values()):
        return False, "Invalid checkpoint: values must be string, number or boolean", None
    if kind == "action":
        result = {"echo": body.get("input"), "ok": True}
        return True, "Executing -> action\nDone\n" + json.dumps(result, indent=2), result
    added = 2 * code.count("batchSave(")
    deleted = code.count("batchDelete(")
    counts = json.dumps({"updated": 0, "added": added, "deleted": deleted}, indent=2)
    records = "\n".join(json.dumps({"id": str(i)}, indent=2) for i in range(added))
    out = ("Executing -> sync\n" + f"The dry run would produce the following results: {counts}\n"
           "The following log messages were generated:\n" + records)
    return True, out, None


# ---------------------------------------------------------------- the server
@dataclass
class Job:
    id: str
    kind: str  # dryrun | deployment
    body: dict
    final: dict
    polls: int = 0
    created_at: str = ""


@dataclass
class FakeNango:
    generation: str = "current"  # current | legacy | both
    keys: dict = field(default_factory=dict)  # key -> Account
    integrations: set = field(default_factory=lambda: {"demo-crm"})
    connections: set = field(default_factory=lambda: {("demo-crm", "conn-1")})
    protected: set = field(default_factory=set)  # (integration, name) deployed from a repo: cannot be overwritten
    rate_limited: dict = field(default_factory=dict)  # path -> how many 429s to answer first
    retry_after: str = "1"
    unavailable: dict = field(default_factory=dict)  # path -> how many 503s to answer first
    hang: set = field(default_factory=set)  # paths whose handler never answers (until the server stops)
    poll_rounds: int = 2  # GETs that still answer "running"
    deploy_unchanged: bool = False  # the CLI in the sandbox printed no "Successfully deployed": deployed is false
    echo_key_in_errors: bool = False  # a misbehaving server that puts the caller's key into error messages
    requests: list = field(default_factory=list)
    jobs: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)
    on_request: Callable | None = None

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.release = threading.Event()

    # -- lifecycle
    def start(self) -> "FakeNango":
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def host(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"{host}:{port}"

    def paths(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.requests]

    def bodies(self, method: str, path: str) -> list:
        return [r.body for r in self.requests if r.method == method and r.path == path]

    # -- routing
    def routes(self) -> dict:
        r = {}
        if self.generation in ("current", "both"):
            r[("POST", "/functions/compile")] = (SCOPE_COMPILE, self.current_compile)
            r[("POST", "/functions/dryruns")] = (SCOPE_DRYRUN, self.current_dryrun)
            r[("POST", "/functions/deployments")] = (SCOPE_DEPLOY, self.current_deploy)
            r[("GET", "/functions/dryruns/:id")] = (SCOPE_DRYRUN, self.get_dryrun)
            r[("GET", "/functions/deployments/:id")] = (SCOPE_DEPLOY, self.get_deployment)
        if self.generation in ("legacy", "both"):
            r[("POST", "/remote-function/compile")] = (None, self.legacy_compile)
            r[("POST", "/remote-function/dryrun")] = (SCOPE_DRYRUN, self.legacy_dryrun)
            r[("POST", "/remote-function/deploy")] = (SCOPE_DEPLOY, self.legacy_deploy)
        return r

    def handle(self, rec: Recorded) -> HttpReply:
        route = None
        param = None
        for (method, pattern), value in self.routes().items():
            if method != rec.method:
                continue
            if pattern.endswith("/:id") and rec.path.startswith(pattern[:-3]) and "/" not in rec.path[len(pattern) - 3:]:
                route, param = value, rec.path[len(pattern) - 3:]
                break
            if pattern == rec.path:
                route = value
                break
        if route is None:  # Express's default 404 page
            html = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n'
                    f"<body>\n<pre>Cannot {rec.method} {rec.path}</pre>\n</body>\n</html>\n")
            raise HttpReply(404, html, html=True)
        scope, handler = route
        ctype = rec.headers.get("content-type")
        if ctype is not None and not ctype.lower().startswith("application/json"):
            raise err(415, "invalid_content_type", "Content-Type header must be application/json")
        body: Any = None
        if rec.raw and ctype is not None:
            try:
                body = json.loads(rec.raw)
            except ValueError as exc:
                raise err(400, "invalid_json", f"Unexpected token in JSON: {exc}")
        account, key = self.authenticate(rec.headers.get("authorization"))
        self._inject(rec.path, "rate_limited", lambda: HttpReply(
            429, {"error": {"code": "too_many_request", "method": rec.method, "path": rec.path}},
            {"Retry-After": self.retry_after, "X-RateLimit-Limit": "200", "X-RateLimit-Remaining": "0"}))
        if scope and not any(scope == s or (s.endswith("*") and scope.startswith(s[:-1])) for s in account.scopes):
            raise err(403, "forbidden", f"Insufficient scope. Required: {scope}")
        if rec.query:
            raise err(400, "invalid_query_params", errors=[{"code": "unrecognized_keys",
                                                             "message": "Unrecognized query parameters", "path": []}])
        try:
            return handler(account, body, param) if param is not None else handler(account, body)
        except HttpReply as reply:
            if self.echo_key_in_errors and isinstance(reply.body, dict) and "message" in reply.body.get("error", {}):
                reply.body["error"]["message"] += f" (request key {key})"
            raise

    def authenticate(self, header: str | None) -> tuple[Account, str]:
        if header is None:
            raise err(401, "missing_auth_header", "Authentication failed. The request is missing the Authorization header.",
                      payload={})
        if not header.startswith("Bearer ") or not header[len("Bearer "):].strip():
            raise err(401, "malformed_auth_header", "Authentication failed. The provided Authorization header is malformed.")
        key = header[len("Bearer "):].strip()
        if not UUID4_RE.match(key):
            raise err(401, "invalid_secret_key_format", "Authentication failed. The provided secret key is not a UUID v4.")
        account = self.keys.get(key)
        if account is None:
            raise err(401, "unknown_account", "Authentication failed. The provided secret key is invalid.")
        return account, key

    def _inject(self, path: str, what: str, reply: Callable[[], HttpReply]) -> None:
        with self.lock:
            table = getattr(self, what)
            if table.get(path, 0) > 0:
                table[path] -= 1
                raise reply()

    def _sandbox(self, path: str) -> None:
        self._inject(path, "unavailable", lambda: err(
            503, "execution_environment_unavailable",
            "The function execution environment is temporarily unavailable. Please try again shortly."))
        if path in self.hang:
            self.release.wait(30)
            raise err(500, "server_error", "released")

    def _customer(self, account: Account, what: str) -> None:
        if not account.customer:
            raise err(403, "forbidden", f"Function {what} can only be started from a customer API key")

    def _integration(self, integration: str) -> None:
        if integration not in self.integrations:
            raise err(404, "integration_not_found", f"Integration '{integration}' was not found")

    def _connection(self, integration: str, connection: str) -> None:
        if (integration, connection) not in self.connections:
            raise err(404, "connection_not_found",
                      f"Connection '{connection}' was not found for integration '{integration}'")

    def _overwrite(self, integration: str, name: str) -> None:
        if (integration, name) in self.protected:
            raise err(400, "invalid_request", f"Cannot overwrite existing function '{name}'")

    def _deploy_outcome(self, body: dict) -> dict:
        if self.deploy_unchanged:
            return {"deployed": False, "deployed_functions": [], "output": "✓ Packaging\nNothing to deploy"}
        key = (body["integration_id"], body["function_name"], body["function_type"])
        with self.lock:
            version = self.versions.get(key, 0) + 1
            self.versions[key] = version
        return {"deployed": True, "deployed_functions": [{"name": body["function_name"], "version": f"v{version}"}],
                "output": f"✓ Packaging\n✓ Acquiring remote state\nSuccessfully deployed the functions:\n"
                          f"- {body['function_name']}@v{version}"}

    # -- current API
    def current_compile(self, account, body):
        body = validate("current-compile", body)
        self._sandbox("/functions/compile")
        failure = fake_compile(body["code"], "function/functions/function.ts")
        if failure:
            raise err(400, "compilation_error", failure)
        bundled = "module.exports = {};\n"
        return HttpReply(200, {"bundle_size_bytes": len(bundled.encode()), "bundled_js": bundled,
                               "compiled_at": _now()})

    def current_dryrun(self, account, body):
        body = validate("current-dryrun", body)
        self._customer(account, "dryruns")
        self._integration(body["integration_id"])
        self._connection(body["integration_id"], body["connection_id"])
        self._sandbox("/functions/dryruns")
        kind = body["function_type"]
        path = f"{body['integration_id']}/{kind}s/function.ts"
        failure = fake_compile(body["code"], path)
        if failure:
            final = {"status": "failed", "output": failure, "error": {"code": "compilation_error", "message": failure}}
        else:
            ok, text, result = fake_run(body["code"], kind, body)
            if ok:
                final = {"status": "success", "output": text}
                if result is not None:
                    final["result"] = result
            else:
                final = {"status": "failed", "output": text, "error": {"code": "dryrun_error", "message": text}}
        job = self._job("dryrun", body, final)
        return HttpReply(202, {"id": job.id, "status": "running", "created_at": job.created_at})

    def current_deploy(self, account, body):
        if isinstance(body, dict) and body.get("type") == "template":
            raise err(404, "template_not_found", "Template not found")
        body = validate("current-deploy-function", body)
        self._customer(account, "deployments")
        self._integration(body["integration_id"])
        self._overwrite(body["integration_id"], body["function_name"])
        self._sandbox("/functions/deployments")
        path = f"{body['integration_id']}/{body['function_type']}s/{body['function_name']}.ts"
        failure = fake_compile(body["code"], path)
        if failure:
            final = {"status": "failed", "output": failure, "error": {"code": "compilation_error", "message": failure}}
        else:
            final = {"status": "success", **self._deploy_outcome(body)}
        job = self._job("deployment", body, final)
        return HttpReply(202, {"id": job.id, "status": "running", "created_at": job.created_at})

    def _job(self, kind: str, body: dict, final: dict) -> Job:
        job = Job(str(uuid.uuid4()), kind, body, final, created_at=_now())
        with self.lock:
            self.jobs[job.id] = job
        return job

    def _poll(self, kind: str, job_id: str) -> HttpReply:
        if not UUID_RE.match(job_id):
            raise err(400, "invalid_uri_params", errors=[{"code": "invalid_format", "message": "Invalid UUID",
                                                          "path": ["id"]}])
        job = self.jobs.get(job_id)
        if job is None or job.kind != kind:
            label = "Dryrun" if kind == "dryrun" else "Deployment"
            raise err(404, f"{kind}_not_found", f"{label} '{job_id}' was not found")
        with self.lock:
            job.polls += 1
            done = job.polls > self.poll_rounds
        base = {"id": job.id, "integration_id": job.body["integration_id"], "function_type": job.body["function_type"],
                "created_at": job.created_at, "updated_at": _now(), "started_at": job.created_at}
        if kind == "deployment":
            base["function_name"] = job.body["function_name"]
        if not done:
            return HttpReply(200, {**base, "status": "running"})
        return HttpReply(200, {**base, **job.final, "completed_at": _now(), "duration_ms": 1234})

    def get_dryrun(self, account, body, job_id):
        return self._poll("dryrun", job_id)

    def get_deployment(self, account, body, job_id):
        return self._poll("deployment", job_id)

    # -- legacy API
    def legacy_compile(self, account, body):
        body = validate("legacy-compile", body)
        self._integration(body["integration_id"])
        self._sandbox("/remote-function/compile")
        failure = fake_compile(body["code"], "function/functions/function.ts")
        if failure:
            raise err(400, "compilation_error", failure)
        bundled = "module.exports = {};\n"
        return HttpReply(200, {"integration_id": body["integration_id"], "function_name": body["function_name"],
                               "function_type": body["function_type"], "bundle_size_bytes": len(bundled),
                               "bundled_js": bundled, "compiled_at": _now()})

    def legacy_dryrun(self, account, body):
        body = validate("legacy-dryrun", body)
        self._connection(body["integration_id"], body["connection_id"])
        self._customer(account, "dryruns")
        self._sandbox("/remote-function/dryrun")
        kind = body["function_type"]
        failure = fake_compile(body["code"], f"{body['integration_id']}/{kind}s/{body['function_name']}.ts")
        if failure:
            raise err(400, "compilation_error", failure)
        ok, text, result = fake_run(body["code"], kind, body)
        if not ok:
            raise err(400, "dryrun_error", text)
        out = {"integration_id": body["integration_id"], "function_name": body["function_name"],
               "function_type": kind, "duration_ms": 4321}
        if result is not None:  # a sync's output after "Done" is not JSON: the legacy API returned nothing for it
            out["result"] = result
        return HttpReply(200, out)

    def legacy_deploy(self, account, body):
        body = validate("legacy-deploy", body)
        self._integration(body["integration_id"])
        self._overwrite(body["integration_id"], body["function_name"])
        self._customer(account, "deployments")
        self._sandbox("/remote-function/deploy")
        failure = fake_compile(body["code"], f"{body['integration_id']}/{body['function_type']}s/{body['function_name']}.ts")
        if failure:
            raise err(400, "compilation_error", failure)
        return HttpReply(200, {"integration_id": body["integration_id"], "function_name": body["function_name"],
                               "function_type": body["function_type"], **self._deploy_outcome(body)})


def _now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeNango
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # keep test output clean
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        rec = Recorded(self.command, parts.path, parts.query, headers, body, raw)
        fake = self.server_fake
        with fake.lock:
            fake.requests.append(rec)
        try:
            reply = fake.handle(rec)
        except HttpReply as r:
            reply = r
        if reply.html:
            data = reply.body.encode()
            ctype = "text/html; charset=utf-8"
        else:
            data = json.dumps(reply.body).encode()
            ctype = "application/json; charset=utf-8"
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (a hanging endpoint after its timeout)
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = _serve
