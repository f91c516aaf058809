"""The fake server behaves as research/nango-remote-api.md says (so the end-to-end tests mean something).
Raw HTTP with the standard library, independent of the client under test."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from tests.remote.conftest import KEY


def call(server, method, path, body=None, headers=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    h = {"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"}
    h.update(headers or {})
    h = {k: v for k, v in h.items() if v is not None}
    req = urllib.request.Request(server.url + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.headers.get("Content-Type"), resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def test_unknown_path_is_express_html_404(server):
    status, ctype, text = call(server, "POST", "/remote-function/compile", {"code": "x"})
    assert status == 404 and ctype.startswith("text/html") and "<pre>Cannot POST /remote-function/compile</pre>" in text


def test_content_type_then_auth_then_strict_body(server):
    assert call(server, "POST", "/functions/compile", raw=b"code", headers={"Content-Type": "text/plain"})[0] == 415
    status, _, text = call(server, "POST", "/functions/compile", {"code": "x"}, headers={"Authorization": None})
    assert status == 401 and json.loads(text)["error"]["code"] == "missing_auth_header"
    status, _, text = call(server, "POST", "/functions/compile", {"code": "x"}, headers={"Authorization": "Bearer abc"})
    assert status == 401 and json.loads(text)["error"]["code"] == "invalid_secret_key_format"
    status, _, text = call(server, "POST", "/functions/compile", {"code": "x", "integration_id": "demo-crm"})
    err = json.loads(text)["error"]
    assert status == 400 and err["code"] == "invalid_body" and "message" not in err
    assert err["errors"] == [{"code": "unrecognized_keys", "message": 'Unrecognized key: "integration_id"', "path": []}]
    status, _, text = call(server, "POST", "/functions/dryruns", {"integration_id": "demo-crm", "function_type": "sync",
                                                                  "code": "x", "connection_id": "c", "function_name": "n"})
    assert status == 400 and json.loads(text)["error"]["errors"][0]["message"] == 'Unrecognized key: "function_name"'
    assert call(server, "POST", "/functions/compile", raw=b"{nope")[0] == 400
    assert json.loads(call(server, "POST", "/functions/compile?x=1", {"code": "x"})[2])["error"]["code"] == "invalid_query_params"


def test_async_job_polling_states(server):
    body = {"integration_id": "demo-crm", "function_type": "action", "connection_id": "conn-1",
            "code": "export default createAction({})", "input": {}}
    status, _, text = call(server, "POST", "/functions/dryruns", body)
    created = json.loads(text)
    assert status == 202 and set(created) == {"id", "status", "created_at"} and created["status"] == "running"
    states = [json.loads(call(server, "GET", f"/functions/dryruns/{created['id']}")[2])["status"] for _ in range(4)]
    assert states == ["running", "running", "success", "success"]
    assert call(server, "GET", "/functions/dryruns/not-a-uuid")[0] == 400
    status, _, text = call(server, "GET", "/functions/dryruns/00000000-0000-4000-8000-000000000000")
    assert status == 404 and json.loads(text)["error"]["code"] == "dryrun_not_found"
    deploy = {"type": "function", "integration_id": "demo-crm", "function_name": "a", "function_type": "action",
              "code": "export default createAction({})"}
    status, _, text = call(server, "POST", "/functions/deployments", deploy)
    assert status == 202
    status, _, text = call(server, "POST", "/functions/deployments", {k: v for k, v in deploy.items() if k != "type"})
    assert status == 400


def test_rate_limit_and_unavailable(server):
    server.rate_limited["/functions/compile"] = 1
    server.retry_after = "7"
    req = urllib.request.Request(server.url + "/functions/compile", data=b'{"code":"x"}', method="POST",
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"})
    try:
        urllib.request.urlopen(req, timeout=5)
        raise AssertionError("expected 429")
    except urllib.error.HTTPError as e:
        assert e.code == 429 and e.headers["Retry-After"] == "7"
        assert json.loads(e.read())["error"]["code"] == "too_many_request"
    server.unavailable["/functions/compile"] = 1
    status, _, text = call(server, "POST", "/functions/compile", {"code": "x"})
    assert status == 503 and json.loads(text)["error"]["code"] == "execution_environment_unavailable"
