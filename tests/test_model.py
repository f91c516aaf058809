"""Unit tests of the semantic model (nango_lint/model/): what every rule builds on.

Each test parses a small source written for the test, builds the FunctionModel exactly as the engine does (one
combined query), and asserts on the model's answers.
"""

from __future__ import annotations

import textwrap

import pytest
from tree_sitter import QueryCursor

from nango_lint.engine import FileContext
from nango_lint.model.syntax import number_value, string_value, text
from nango_lint.parsing import parse_source
from nango_lint.query import combined_query
from tests.helpers import settings_for


def model_of(source: str, path: str = "demo/syncs/example.ts"):
    parsed = parse_source(path, textwrap.dedent(source).encode())
    captures = QueryCursor(combined_query(parsed.grammar, frozenset())).captures(parsed.root)
    return FileContext(path, parsed, settings_for(), captures).model


def line_of(node) -> int:
    return node.start_point[0] + 1


def line_containing(source: str, needle: str) -> int:
    lines = textwrap.dedent(source).splitlines()
    hits = [i for i, line in enumerate(lines, start=1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on lines {hits}"
    return hits[0]


SYNC = """
import { createSync } from 'nango';
import { z } from 'zod';

export default createSync({
    description: 'Users',
    frequency: 'every hour',
    models: { User: z.object({ id: z.string() }) },
    exec: async (nango) => {
        const res = await nango.get({ endpoint: '/users', retries: 3 });
        await nango.batchSave(res.data, 'User');
    }
});
"""


# ---------------------------------------------------------------------------------------------- classification
@pytest.mark.parametrize(
    ("source", "kind", "create"),
    [
        (SYNC, "sync", "createSync"),
        ("import { createAction } from 'nango';\nexport default createAction({ description: 'a', exec: async () => ({}) });",
         "action", "createAction"),
        ("import { createOnEvent } from 'nango';\nexport default createOnEvent({ description: 'e', event: 'post-connection-creation', exec: async () => {} });",
         "on-event", "createOnEvent"),
        ("import { createFunction } from 'nango/experimental';\nexport default createFunction({ description: 'f', exec: async () => {} });",
         "function", "createFunction"),
        # explicit generics
        ("import { createSync } from 'nango';\nexport default createSync<{ User: Foo }>({ description: 'g', exec: async () => {} });",
         "sync", "createSync"),
        # a const bound to the call, exported by name
        ("import { createSync } from 'nango';\nconst sync = createSync({ description: 'c', exec: async () => {} });\nexport default sync;",
         "sync", "createSync"),
    ],
)
def test_zero_yaml_kinds(source, kind, create):
    model = model_of(source)
    assert model.kind == kind
    assert model.create_name == create
    assert model.is_function_file
    assert model.config is not None and "description" in model.config.members


@pytest.mark.parametrize(
    "source",
    [
        "export default async function fetchData(nango: NangoSync) { await nango.log('x'); }",
        "export default async (nango: NangoAction, input: unknown) => { return input; };",
        "const run = async (nango: NangoSync) => {};\nexport default run;",
        "async function runSync(nango: NangoSync) {}\nexport default runSync;",
    ],
)
def test_legacy_default_exported_functions(source):
    model = model_of(source)
    assert model.kind == "legacy"
    assert not model.is_function_file
    # the legacy function's first parameter is nango
    (fn, name), = model.nango_functions.values()
    assert name == "nango"
    assert model.legacy_function is not None and fn.id == model.legacy_function.id


@pytest.mark.parametrize(
    "source",
    [
        "export const toUser = (raw: { id: number }) => ({ id: String(raw.id) });",
        "export default class Client {}",
        "const config = { description: 'x' };\nexport default config;",
        # a createSync that is built but not the default export (a factory helper)
        "import { createSync } from 'nango';\nexport function make(c: any) { return createSync(c); }",
    ],
)
def test_plain_modules(source):
    model = model_of(source)
    assert model.kind == "module"
    assert model.create_call is None
    assert model.config is None


def test_non_literal_config_is_recorded_but_not_modelled():
    model = model_of(
        """
        import { createSync } from 'nango';
        const definition = { description: 'x', exec: async (nango) => {} };
        export default createSync(definition);
        """
    )
    assert model.kind == "sync"
    assert model.create_call is not None
    assert model.config is None
    assert text(model.config_arg) == "definition"
    # without a config literal, exec is not known: no nango function is guessed
    assert model.nango_functions == {}


def test_default_export_inside_a_block_is_not_the_module_export():
    model = model_of("namespace N { export default createSync({ description: 'x' }); }")
    assert model.kind == "module"


# ---------------------------------------------------------------------------------------------- config fields
def test_config_members_values_and_unknown_keys():
    model = model_of(
        """
        import { createSync } from 'nango';
        import * as z from 'zod';
        const models = { User: z.object({ id: z.string() }) };
        const shared = { version: '1.0.0' };
        export default createSync({
            ...shared,
            description: 'Users',
            frequency: 'every hour',
            syncType: 'full',
            models,
            async exec(nango) {}
        });
        """
    )
    config = model.config
    assert set(config.members) == {"description", "frequency", "syncType", "models", "exec"}
    assert string_value(config.value("frequency")) == "every hour"
    assert config.member("models").type == "shorthand_property_identifier"
    assert config.member("exec").type == "method_definition"
    assert text(config.key_node("syncType")) == "syncType"
    # a spread may carry any key: present keys are known, absent keys are unknown
    assert config.open
    assert config.has("frequency") is True
    assert config.has("checkpoint") is None
    # a field bound to a same-file object literal resolves through the const
    models_obj = model.config_object("models")
    assert models_obj is not None and list(models_obj.members) == ["User"]


def test_config_without_spread_knows_absent_keys():
    model = model_of(SYNC)
    assert model.config.has("checkpoint") is False
    assert model.config.has("autoStart") is False  # omitted autoStart is simply absent (false in zero-yaml)
    assert model.config_value("autoStart") is None


# ---------------------------------------------------------------------------------------------- nango functions
def _nango_params(model) -> dict[int, str]:
    """{line of the function: name of its nango parameter}"""
    return {line_of(fn): name for fn, name in model.nango_functions.values()}


def test_exec_and_on_webhook_with_any_parameter_name():
    src = """
    import { createSync } from 'nango';
    export default createSync({
        description: 'x',
        exec: async (n) => {},
        onWebhook: async (client, payload) => {}
    });
    """
    model = model_of(src)
    assert _nango_params(model) == {line_containing(src, "exec:"): "n", line_containing(src, "onWebhook:"): "client"}
    assert model.nango_names == frozenset({"n", "client"})


def test_method_shorthand_exec_and_exec_bound_to_a_const():
    src = """
    import { createSync } from 'nango';
    const run = async (sdk) => {};
    export default createSync({
        description: 'x',
        exec: run,
        async onWebhook(nango, payload) {}
    });
    """
    model = model_of(src)
    assert _nango_params(model) == {line_containing(src, "const run"): "sdk", line_containing(src, "onWebhook"): "nango"}


def test_typed_helpers_and_type_aliases():
    src = """
    import { createSync } from 'nango';
    import type { NangoSync, NangoAction } from 'nango';
    type Ctx = Parameters<(typeof sync)['exec']>[0];
    type Alias = NangoAction;
    async function a(x: NangoSync) {}
    async function b(y: NangoAction<Meta>) {}
    const c = async (z: NangoSyncLocal, page: number) => {};
    const d = async (w: NangoActionLocal) => {};
    function e(v: Parameters<(typeof sync)['exec']>[0]) {}
    function f(u: Ctx) {}
    function g(t: Alias) {}
    function notNango(nango: string) {}
    function untyped(nango) {}
    const sync = createSync({ description: 'x', exec: async (nango) => {} });
    export type NangoSyncLocal = Parameters<(typeof sync)['exec']>[0];
    export default sync;
    """
    model = model_of(src)
    assert "Ctx" in model.nango_type_names and "Alias" in model.nango_type_names
    expected = {
        line_containing(src, "function a("): "x",
        line_containing(src, "function b("): "y",
        line_containing(src, "const c ="): "z",
        line_containing(src, "const d ="): "w",
        line_containing(src, "function e("): "v",
        line_containing(src, "function f("): "u",
        line_containing(src, "function g("): "t",
        line_containing(src, "exec: async (nango)"): "nango",
    }
    assert _nango_params(model) == expected


# ---------------------------------------------------------------------------------------------- nango calls
CALLS = """
import { createSync } from 'nango';
import type { ProxyConfiguration } from 'nango';

const api = { get: async (c: unknown) => c };
const moduleConfig = { endpoint: '/m', retries: 3 };

async function helper(nango: NangoSyncLocal, config: ProxyConfiguration) {
    return nango.proxy(config);
}

const sync = createSync({
    description: 'x',
    exec: async (n) => {
        const inline = await n.get({ endpoint: '/a' });
        const bound = await n.get(moduleConfig);
        const generic = await n.post<{ id: string }>({ endpoint: '/b', retries: 0 });
        const none = await n.get();
        const fromCall = await n.get(build());
        await api.get({ endpoint: '/not-nango' });
        await Promise.all([api].map((n) => n.get({ endpoint: '/shadowed' })));
        for (const id of ids) {
            if (id) {
                try {
                    await n.delete({ endpoint: `/c/${id}` });
                } catch (e) {
                    await n.log('failed');
                }
            }
        }
        for await (const page of n.paginate({ endpoint: '/p' })) {
            await n.batchSave(page, 'User');
        }
    }
});
export type NangoSyncLocal = Parameters<(typeof sync)['exec']>[0];
export default sync;
"""


def test_nango_calls_are_resolved_by_scope():
    model = model_of(CALLS)
    got = [(c.method, c.receiver, line_of(c.node)) for c in model.nango_calls]
    assert got == [
        ("proxy", "nango", line_containing(CALLS, "nango.proxy")),
        ("get", "n", line_containing(CALLS, "const inline")),
        ("get", "n", line_containing(CALLS, "const bound")),
        ("post", "n", line_containing(CALLS, "const generic")),  # `await n.post<T>(...)`: a misparse, repaired
        ("get", "n", line_containing(CALLS, "const none")),
        ("get", "n", line_containing(CALLS, "const fromCall")),
        ("delete", "n", line_containing(CALLS, "n.delete")),
        ("log", "n", line_containing(CALLS, "n.log")),
        ("paginate", "n", line_containing(CALLS, "n.paginate")),
        ("batchSave", "n", line_containing(CALLS, "n.batchSave")),
    ]
    assert [c.method for c in model.provider_calls] == ["proxy", "get", "get", "post", "get", "get", "delete", "paginate"]
    assert [c.method for c in model.calls("log", "batchSave")] == ["log", "batchSave"]
    generic = model.calls("post")[0]
    assert text(generic.property_node) == "post"
    assert text(generic.callee) == "n.post"
    assert generic.awaited_by_misparse  # `await n.post<T>(...)` is awaited even though its parent is not an await
    assert not model.calls("get")[0].awaited_by_misparse


def test_provider_call_config_status():
    model = model_of(CALLS)
    by_line = {line_of(c.node): c for c in model.provider_calls}
    status = lambda needle: by_line[line_containing(CALLS, needle)].config.status  # noqa: E731
    assert status("const inline") == "inline"
    assert status("const bound") == "bound"
    assert status("const generic") == "inline"
    assert status("const none") == "missing"
    assert status("const fromCall") == "unknown"
    assert status("nango.proxy") == "unknown"  # a parameter
    inline = by_line[line_containing(CALLS, "const inline")].config
    assert inline.has("retries") is False and string_value(inline.value("endpoint")) == "/a"
    bound = by_line[line_containing(CALLS, "const bound")].config
    assert bound.has("retries") is True and number_value(bound.value("retries")) == 3
    assert text(bound.declarator.child_by_field_name("name")) == "moduleConfig"
    unknown = by_line[line_containing(CALLS, "const fromCall")].config
    assert unknown.has("retries") is None and not unknown.known


def test_call_context_loops_conditionals_try():
    model = model_of(CALLS)
    delete = model.calls("delete")[0]
    assert [n.type for n in delete.loops] == ["for_in_statement"]
    assert [n.type for n in delete.conditionals] == ["if_statement"]
    assert [part for _, part in delete.try_context()] == ["body"]
    log = model.calls("log")[0]
    assert [part for _, part in log.try_context()] == ["catch"]
    save = model.calls("batchSave")[0]
    assert [n.type for n in save.loops] == ["for_in_statement"]  # `for await` is a for_in_statement
    assert save.conditionals == [] and save.try_context() == []
    inline = model.calls("get")[0]
    assert inline.loops == [] and inline.conditionals == []


def test_unrelated_object_named_nango_is_not_nango():
    model = model_of(
        """
        const nango = { get: async (c: unknown) => c };
        export async function f() {
            return nango.get({ endpoint: '/x' });
        }
        """,
        path="demo/helpers/x.ts",
    )
    assert model.nango_functions == {}
    assert model.nango_calls == []


# ---------------------------------------------------------------------------------------------- value resolution
RESOLUTION = """
import { createSync } from 'nango';
const MAX = 10;
const LIMIT = MAX;
const config = { endpoint: '/outer', retries: LIMIT };
export default createSync({
    description: 'x',
    exec: async (nango) => {
        const first = await nango.get(config);
        {
            const config = { endpoint: '/inner' };
            const second = await nango.get(config);
        }
        const mutated = { endpoint: '/m' };
        mutated.retries = 3;
        const third = await nango.get(mutated);
        const retries = 2;
        const fourth = await nango.get({ endpoint: '/s', retries });
    }
});
"""


def test_provider_configs_resolve_through_same_scope_bindings_and_shadowing():
    model = model_of(RESOLUTION)
    first, second, third, fourth = model.provider_calls
    assert string_value(first.config.value("endpoint")) == "/outer"
    assert string_value(second.config.value("endpoint")) == "/inner"  # the block's own `config` shadows
    assert second.config.has("retries") is False
    # a config completed by member assignment is open: its keys cannot be known
    assert third.config.status == "bound" and third.config.obj.mutated and third.config.has("retries") is None
    # `retries: LIMIT` follows const bindings to the number
    assert number_value(model.resolve_value(first.config.value("retries"))) == 10
    # shorthand `{ retries }` is a shorthand_property_identifier, not a pair; it resolves the same way
    assert fourth.config.obj.member("retries").type == "shorthand_property_identifier"
    assert number_value(model.resolve_value(fourth.config.value("retries"))) == 2


# ---------------------------------------------------------------------------------------------- checkpoint flow
FLOW = """
import { createSync } from 'nango';
async function fetchSince(nango: NangoSyncLocal, since: string) {
    return nango.get({ endpoint: '/h', params: { since }, retries: 3 });
}
const sync = createSync({
    description: 'x',
    exec: async (nango) => {
        const cp = await nango.getCheckpoint();
        const { cursor } = cp ?? { cursor: '' };
        const since = cp?.since ?? '1970';
        const params = { limit: '10', since };
        await nango.get({ endpoint: '/a', params: { updated_after: cp?.updated_after }, retries: 3 });
        await nango.get({ endpoint: '/b', params, retries: 3 });
        await nango.get({ endpoint: `/c?page=${cursor}`, retries: 3 });
        await fetchSince(nango, since);
        if (cp?.done) {
            return;
        }
        await nango.saveCheckpoint({ since: cp?.since ?? '', cursor: '', done: false, updated_after: '' });

        const unused = await nango.getCheckpoint();
        await nango.log(String(unused?.since));
    }
});
export type NangoSyncLocal = Parameters<(typeof sync)['exec']>[0];
export default sync;
"""


def test_checkpoint_flow_request_uses_with_key_paths_and_anchors():
    model = model_of(FLOW)
    flow = model.checkpoint_flow
    used, unused = flow.gets
    assert flow.reaches_request(used)
    assert not flow.reaches_request(unused)
    assert {"cp", "cursor", "since", "params"} <= flow.tainted_names[used.node.id]

    requests = {(use.path, line_of(use.anchor)) for use in flow.uses_of(used) if use.kind == "request"}
    assert requests == {
        # inline key/value: the anchor is the pair itself
        (("params", "updated_after"), line_containing(FLOW, "endpoint: '/a'")),
        # built before the call: the path goes through the shorthand `params` and `since`, anchored where
        # `since` entered the object
        (("params", "since"), line_containing(FLOW, "const params =")),
        # a template string in the endpoint
        (("endpoint",), line_containing(FLOW, "endpoint: `/c")),
    }


def test_checkpoint_flow_unknown_control_and_nango_uses():
    model = model_of(FLOW)
    flow = model.checkpoint_flow
    used, unused = flow.gets
    kinds = {}
    for use in flow.uses_of(used):
        kinds.setdefault(use.kind, []).append(use)
    # passed to a same-file helper: code we do not follow, so it counts as used
    assert [line_of(u.node) for u in kinds["unknown"]] == [line_containing(FLOW, "await fetchSince")]
    # a condition that governs an exit is resume state
    assert [line_of(u.node) for u in kinds["control"]] == [line_containing(FLOW, "if (cp?.done)")]
    # saving it back is a nango use, not a request
    assert {u.call.method for u in kinds["nango"]} == {"saveCheckpoint"}
    assert [(u.kind, u.call.method) for u in flow.uses_of(unused)] == [("nango", "log")]


def test_checkpoint_flow_through_zod_and_array_callbacks():
    model = model_of(
        """
        import { createSync } from 'nango';
        export default createSync({
            description: 'x',
            exec: async (nango) => {
                const raw = await nango.getCheckpoint();
                const parsed = Schema.safeParse(raw);
                const since = parsed.success ? parsed.data.since : '';
                await nango.get({ endpoint: '/a', params: { modified_since: since }, retries: 3 });

                const stamp = await nango.getCheckpoint();
                const rows = items.map((r) => ({ ...r, seen: stamp?.since }));
                await nango.batchSave(rows, 'Row');
            }
        });
        """
    )
    flow = model.checkpoint_flow
    parsed, mapped = flow.gets
    assert [u.path for u in flow.uses_of(parsed) if u.kind == "request"] == [("params", "modified_since")]
    # the mapped rows carry the checkpoint into batchSave only: not a request, not unknown code
    assert [(u.kind, u.call.method) for u in flow.uses_of(mapped)] == [("nango", "batchSave")]
    assert not flow.reaches_request(mapped)
