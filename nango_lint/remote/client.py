"""One client, two API generations (research/nango-remote-api.md):

- current (servers since 2026-06): ``POST /functions/compile {code}`` (synchronous), ``POST /functions/dryruns`` and
  ``POST /functions/deployments`` (202, then poll ``GET .../{id}`` until ``success`` or ``failed``);
- legacy (2026-04 to 2026-06): ``POST /remote-function/{compile,dryrun,deploy}``, synchronous.

Bodies are strict on the server (unknown keys are a 400), so each generation sends exactly its own fields.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from nango_lint.remote.diagnostics import sync_counts
from nango_lint.remote.errors import NonJsonNotFound, RemoteHttpError, RemoteNetworkError, RemoteSetupError
from nango_lint.remote.transport import Response, Transport, Tuning, http_error

# error.code values that mean "your function failed this step" (exit 10/12/11), not "the request was wrong" (exit 2)
STEP_FAILURES = {
    "compile": {"compilation_error", "timeout", "validation_error"},
    "dryrun": {"compilation_error", "dryrun_error", "timeout"},
    "deploy": {"compilation_error", "deployment_error", "timeout", "invalid_request"},
}
TERMINAL = {"success", "failed"}


@dataclass
class Job:
    """What is sent: the file and what we know about it."""

    code: str
    function_type: str | None  # "sync" | "action" | None (not a createSync/createAction file)
    integration_id: str | None
    function_name: str | None
    connection_id: str | None = None
    dryrun_fields: dict = field(default_factory=dict)  # input, metadata, checkpoint, last_sync_date

    def need(self, what: str, api: str, step: str) -> str:
        value = {"integration_id": self.integration_id, "function_name": self.function_name,
                 "function_type": self.function_type}[what]
        if not value:
            hint = {
                "integration_id": "pass --integration-id (or keep the file at <integration>/syncs|actions/<name>.ts)",
                "function_name": "pass --function-name",
                "function_type": "the file must default-export createSync() or createAction()",
            }[what]
            raise RemoteSetupError(f"the {api} API's {step} needs {what}: {hint}")
        return value


@dataclass
class StepResult:
    step: str  # compile | dryrun | deploy
    status: str  # success | failed
    http_status: int | None
    duration_ms: int
    result: Any = None
    error: dict | None = None  # {code, message, ...} as the server sent it (raw text kept)
    job_id: str | None = None
    note: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "success"

    def as_dict(self) -> dict:
        d: dict = {"step": self.step, "status": self.status, "http_status": self.http_status,
                   "duration_ms": self.duration_ms}
        if self.job_id:
            d["id"] = self.job_id
        if self.result is not None:
            d["result"] = self.result
        if self.error is not None:
            d["error"] = self.error
        if self.note:
            d["note"] = self.note
        return d


Progress = Callable[[str, float], None]


class _Api:
    name = ""

    def __init__(self, transport: Transport, tuning: Tuning, progress: Progress | None = None) -> None:
        self.t = transport
        self.tuning = tuning
        self.progress = progress

    def _post(self, path: str, body: dict, step: str, timeout: float, deadline: float) -> Response:
        r = self.t.request("POST", path, body, timeout=timeout, deadline=deadline, step=step)
        if r.status == 404 and not r.is_json:
            raise NonJsonNotFound(f"POST {path}")
        return r

    def _failed_or_raise(self, step: str, r: Response, started: float) -> StepResult:
        code = r.error.get("code")
        if r.is_json and code in STEP_FAILURES[step] and r.status in (400, 504):
            return StepResult(step, "failed", r.status, _ms(started), error=dict(r.error))
        raise http_error(step, self.t.host, r, self.t.settings.key_variable)


class CurrentApi(_Api):
    name = "current"

    def compile(self, job: Job) -> StepResult:
        started = time.monotonic()
        timeout = self.tuning.compile_timeout
        r = self._post("/functions/compile", {"code": job.code}, "compile", timeout, started + timeout)
        if r.status == 200 and isinstance(r.body, dict):
            return StepResult("compile", "success", 200, _ms(started), {"bundle_size_bytes": r.body.get("bundle_size_bytes")})
        return self._failed_or_raise("compile", r, started)

    def dryrun(self, job: Job) -> StepResult:
        body = {
            "integration_id": job.need("integration_id", self.name, "dryrun"),
            "function_type": job.need("function_type", self.name, "dryrun"),
            "code": job.code,
            "connection_id": job.connection_id,
            **job.dryrun_fields,
        }
        return self._run_job("dryrun", "/functions/dryruns", body, self.tuning.dryrun_timeout, job)

    def deploy(self, job: Job) -> StepResult:
        body = {
            "type": "function",
            "integration_id": job.need("integration_id", self.name, "deploy"),
            "function_name": job.need("function_name", self.name, "deploy"),
            "function_type": job.need("function_type", self.name, "deploy"),
            "code": job.code,
        }
        return self._run_job("deploy", "/functions/deployments", body, self.tuning.deploy_timeout, job)

    def _run_job(self, step: str, path: str, body: dict, limit: float, job: Job) -> StepResult:
        started = time.monotonic()
        deadline = started + limit
        r = self._post(path, body, step, min(self.tuning.request_timeout, limit), deadline)
        if r.status not in (200, 201, 202) or not isinstance(r.body, dict) or not r.body.get("id"):
            if r.status in (200, 201, 202):
                raise RemoteHttpError(f"remote {step}: HTTP {r.status} from {self.t.host} without a job id", r.status)
            return self._failed_or_raise(step, r, started)
        job_id = str(r.body["id"])
        state = r.body
        while state.get("status") not in TERMINAL:
            elapsed = time.monotonic() - started
            if self.progress:
                self.progress(step, elapsed)
            wait = self.tuning.poll_interval
            if time.monotonic() + wait >= deadline:
                return _client_timeout(step, r.status, started, job_id, limit)
            self.t.sleep(wait)
            if time.monotonic() >= deadline:  # the sleep overran (a loaded machine): the job is still not done
                return _client_timeout(step, r.status, started, job_id, limit)
            left = deadline - time.monotonic()
            try:
                r = self.t.request("GET", f"{path}/{job_id}", None, timeout=min(self.tuning.request_timeout, limit),
                                   deadline=deadline, step=step)
            except RemoteNetworkError:
                # a poll that started with under a second left and ran into the deadline says nothing about the
                # server: the job simply did not finish in time. With more time left, no answer is a network fault.
                if left < 1.0 and time.monotonic() >= deadline - 0.05:
                    return _client_timeout(step, r.status, started, job_id, limit)
                raise
            if r.status != 200 or not isinstance(r.body, dict):
                raise http_error(step, self.t.host, r, self.t.settings.key_variable)
            state = r.body
        if state["status"] == "failed":
            err = state.get("error") if isinstance(state.get("error"), dict) else {"code": f"{step}_error", "message": ""}
            if not err.get("message") and state.get("output"):
                err = {**err, "message": state["output"]}
            return StepResult(step, "failed", r.status, _ms(started), job_id=job_id, error=dict(err))
        if step == "dryrun":
            return StepResult(step, "success", r.status, _ms(started), _dryrun_result(state, job), job_id=job_id)
        return _deploy_result(state, r.status, started, job_id)


class LegacyApi(_Api):
    name = "legacy"

    def _base(self, job: Job, step: str) -> dict:
        return {
            "integration_id": job.need("integration_id", self.name, step),
            "function_name": job.need("function_name", self.name, step),
            "function_type": job.need("function_type", self.name, step),
            "code": job.code,
        }

    def compile(self, job: Job) -> StepResult:
        started = time.monotonic()
        timeout = self.tuning.compile_timeout
        r = self._post("/remote-function/compile", self._base(job, "compile"), "compile", timeout, started + timeout)
        if r.status == 200 and isinstance(r.body, dict):
            return StepResult("compile", "success", 200, _ms(started), {"bundle_size_bytes": r.body.get("bundle_size_bytes")})
        return self._failed_or_raise("compile", r, started)

    def dryrun(self, job: Job) -> StepResult:
        started = time.monotonic()
        timeout = self.tuning.legacy_dryrun_timeout
        body = {**self._base(job, "dryrun"), "connection_id": job.connection_id, **job.dryrun_fields}
        if self.progress:
            self.progress("dryrun", 0.0)
        r = self._post("/remote-function/dryrun", body, "dryrun", timeout, started + timeout)
        if r.status == 200 and isinstance(r.body, dict):
            res = StepResult("dryrun", "success", 200, _ms(started), _dryrun_result(r.body, job))
            if job.function_type == "sync" and res.result is None:
                res.note = "the legacy API returns no records or counts for a sync dryrun"
            return res
        return self._failed_or_raise("dryrun", r, started)

    def deploy(self, job: Job) -> StepResult:
        started = time.monotonic()
        timeout = self.tuning.legacy_deploy_timeout
        if self.progress:
            self.progress("deploy", 0.0)
        r = self._post("/remote-function/deploy", self._base(job, "deploy"), "deploy", timeout, started + timeout)
        if r.status == 200 and isinstance(r.body, dict):
            return _deploy_result(r.body, 200, started, None)
        return self._failed_or_raise("deploy", r, started)


def _client_timeout(step: str, status: int, started: float, job_id: str, limit: float) -> StepResult:
    return StepResult(step, "failed", status, _ms(started), job_id=job_id, error={
        "code": "client_timeout", "message": f"the {step} {job_id} did not finish within {limit:g} s (it may still be running)"})


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _dryrun_result(body: dict, job: Job) -> Any:
    if "result" in body:
        return body["result"]
    if job.function_type == "sync":
        return sync_counts(body.get("output"))
    return None


def _deploy_result(body: dict, status: int, started: float, job_id: str | None) -> StepResult:
    functions = body.get("deployed_functions") if isinstance(body.get("deployed_functions"), list) else []
    result = {"deployed": bool(body.get("deployed")), "deployed_functions": functions}
    if body.get("deployed") is True:
        return StepResult("deploy", "success", status, _ms(started), result, job_id=job_id)
    return StepResult("deploy", "failed", status, _ms(started), result, job_id=job_id, error={
        "code": "not_deployed",
        "message": "the server reported no deployment (deployed is not true); output: " + str(body.get("output") or "")})


class RemoteClient:
    """Picks the API generation (``auto``: current first, legacy on a non-JSON 404) on the first step."""

    def __init__(self, transport: Transport, tuning: Tuning, choice: str, notify: Callable[[str], None],
                 progress: Progress | None = None) -> None:
        self.t = transport
        self.choice = choice
        self.notify = notify
        self.current = CurrentApi(transport, tuning, progress)
        self.legacy = LegacyApi(transport, tuning, progress)
        self.api: _Api | None = {"current": self.current, "legacy": self.legacy}.get(choice)

    @property
    def api_name(self) -> str | None:
        return self.api.name if self.api else None

    def run(self, step: str, job: Job) -> StepResult:
        if self.api is None:  # auto, first step
            try:
                result = getattr(self.current, step)(job)
            except NonJsonNotFound:
                self.api = self.legacy
                self.notify(f"{self.t.host} has no /functions API (HTML 404); using the legacy /remote-function API")
                return getattr(self.legacy, step)(job)
            except RemoteHttpError:  # a Nango JSON error: the server does have the current API
                self.api = self.current
                raise
            self.api = self.current
            self.notify(f"using the current /functions API on {self.t.host}")
            return result
        try:
            return getattr(self.api, step)(job)
        except NonJsonNotFound as exc:
            other = "legacy" if self.api.name == "current" else "current"
            raise RemoteHttpError(
                f"remote {step}: HTTP 404 from {self.t.host}: {exc} does not exist on this server "
                f"(not a Nango JSON error; try --api {other} or --api auto)", 404) from None
