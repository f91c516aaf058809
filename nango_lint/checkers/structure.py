"""NL0xx: what a function file must look like to compile and deploy."""

from __future__ import annotations

from nango_lint.checkers._paths import KEBAB_RE, KIND_FOLDERS, NAME_RE, folder_kind, function_name
from nango_lint.engine import RuleContext
from nango_lint.model.syntax import text, unwrap

FUNCTION_KINDS = ("sync", "action", "on-event", "function")


def missing_function_definition(ctx: RuleContext) -> None:
    model = ctx.model
    if model.kind in FUNCTION_KINDS or model.kind == "legacy":
        return
    if ctx.path.endswith(".d.ts"):
        return
    if folder_kind(ctx.path) is None and not ctx.file.explicit:
        return
    anchor = model.default_export
    folder = folder_kind(ctx.path)
    where = f"a file in `{KIND_FOLDERS[folder]}/`" if folder else "a file named on the command line"
    if anchor is not None:
        ctx.report(anchor, message=f"The default export is not `createSync`/`createAction`/`createOnEvent({{...}})`: {where} must default-export one")
    else:
        ctx.report(start=0, end=0, message=f"No default-exported `createSync`/`createAction`/`createOnEvent`: {where} must define one (helpers belong outside the function folders)")


def legacy_function_style(ctx: RuleContext) -> None:
    model = ctx.model
    if model.kind == "legacy" and model.default_export is not None:
        node = model.default_export
        # `export default fetchData` (an identifier bound to the function) names the function itself
        name = node if node.type == "identifier" else node.child_by_field_name("name")
        ctx.report(name or node, name=text(name) if name is not None else "function")


def non_literal_function_config(ctx: RuleContext) -> None:
    model = ctx.model
    if model.create_call is None or model.config is not None:
        return
    arg = model.config_arg
    if arg is None:
        ctx.report(model.create_call, message=f"`{model.create_name}()` needs its config as an inline object literal argument")
        return
    ctx.report(arg, create=model.create_name)


def named_value_export(ctx: RuleContext) -> None:
    model = ctx.model
    if model.kind not in FUNCTION_KINDS:
        return
    for export in model.caps.get("m.export", []):
        if export.parent is None or export.parent.type != "program":
            continue
        kids = export.children
        if any(c.type == "default" for c in kids):
            continue
        if export.child_by_field_name("source") is not None:
            continue  # re-export `export { x } from './y.js'` passes the compile check
        decl = export.child_by_field_name("declaration")
        if decl is not None:
            if decl.type in ("type_alias_declaration", "interface_declaration", "ambient_declaration"):
                continue
            if decl.type in ("lexical_declaration", "variable_declaration"):
                names = [text(d.child_by_field_name("name")) for d in decl.named_children if d.type == "variable_declarator"]
            else:
                n = decl.child_by_field_name("name")
                names = [text(n)] if n is not None else [decl.type]
            ctx.report(decl.child_by_field_name("name") or decl, name=", ".join(names))
            continue
        clause = next((c for c in export.named_children if c.type == "export_clause"), None)
        if clause is not None:
            names = [text(s) for s in clause.named_children if s.type == "export_specifier"]
            is_type = any(c.type == "type" for c in kids)
            msg = None
            if is_type:
                msg = f"`export type {{ {', '.join(names)} }}` specifier lists are rejected by `nango compile`; export the type where it is declared (`export type X = ...`)"
            ctx.report(clause, message=msg, name=", ".join(names))


def function_folder_mismatch(ctx: RuleContext) -> None:
    model = ctx.model
    if model.kind not in ("sync", "action", "on-event") or model.create_call is None:
        return
    folder = folder_kind(ctx.path)
    if folder is None or folder == model.kind:
        return
    callee = model.create_call.child_by_field_name("function")
    ctx.report(callee, create=model.create_name, expected=KIND_FOLDERS[model.kind], actual=KIND_FOLDERS[folder])


def invalid_function_name(ctx: RuleContext) -> None:
    if ctx.model.kind not in FUNCTION_KINDS:
        return
    name = function_name(ctx.path)
    if not NAME_RE.match(name) or len(name) > 255:
        ctx.report(_name_anchor(ctx), name=name)


def function_name_not_kebab_case(ctx: RuleContext) -> None:
    if ctx.model.kind not in FUNCTION_KINDS:
        return
    name = function_name(ctx.path)
    if NAME_RE.match(name) and not KEBAB_RE.match(name):
        ctx.report(_name_anchor(ctx), name=name, suggestion=_kebab(name))


def _name_anchor(ctx: RuleContext):
    call = ctx.model.create_call
    return call.child_by_field_name("function") if call is not None else None


def _kebab(name: str) -> str:
    import re

    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", name).replace("_", "-").lower()
    return re.sub(r"-+", "-", s).strip("-")
