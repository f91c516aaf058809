"""NL8xx: security (hard-coded secrets, plain-HTTP base URLs, credentials written to logs)."""

from __future__ import annotations

import math
import re
from collections import Counter

from tree_sitter import Node

from nango_lint.engine import RuleContext
from nango_lint.model.syntax import FUNCTION_TYPES, property_key, string_value, template_prefix, text, unwrap

# ---------------------------------------------------------------------------------------------------- NL801
KEY_PATTERNS = [
    ("a Stripe live key", re.compile(r"\b(?:sk|rk)_live_[0-9A-Za-z]{20,}")),
    ("a GitHub token", re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[0-9A-Za-z]{36}\b")),
    ("a GitHub token", re.compile(r"\bgithub_pat_[0-9A-Za-z_]{60,}")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[0-9A-Za-z-]{20,}")),
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a GitLab token", re.compile(r"\bglpat-[0-9A-Za-z_-]{20,}")),
    ("an OpenAI/Anthropic key", re.compile(r"\bsk-(?:proj-|ant-(?:api\d\d-)?)?[0-9A-Za-z_-]{32,}")),
    ("a SendGrid key", re.compile(r"\bSG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}\b")),
    ("a Shopify token", re.compile(r"\bshp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}\b")),
    ("a private key", re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----")),
    ("a JSON Web Token", re.compile(r"\beyJ[0-9A-Za-z_-]{15,}\.eyJ[0-9A-Za-z_-]{15,}\.[0-9A-Za-z_-]{20,}")),
]
BEARER = re.compile(r"^(?:Bearer|Basic|Token)\s+([0-9A-Za-z._~+/=-]{20,})$")
SECRET_NAME = re.compile(
    r"(?i)(^|[_-]|[a-z](?=[A-Z]))(token|secret|password|passwd|api_?key|apikey|authorization|private_?key|client_?secret|"
    r"access_?key|auth)$|^(token|secret|password|apiKey|api_key|authorization|x-api-key|clientSecret|client_secret|"
    r"accessToken|access_token|refreshToken|refresh_token|privateKey|private_key)$"
)
PLACEHOLDER = re.compile(
    r"(?i)(your|xxx|\*\*\*|example|placeholder|sample|dummy|changeme|replace|insert|redacted|fake|test|<|>|\{|\}|"
    r"\$\{|\.\.\.|todo|secret_here|token_here|abc123|1234567)"
)


def entropy(value: str) -> float:
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _looks_random(value: str, min_len: int = 20) -> bool:
    if len(value) < min_len or any(ch.isspace() for ch in value):
        return False
    if PLACEHOLDER.search(value) or value.startswith(("http://", "https://", "/")):
        return False
    classes = sum(bool(re.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]"))
    if classes < 2:
        return False
    if re.fullmatch(r"[A-Z0-9_]+", value) or re.fullmatch(r"[a-z0-9_.-]+", value) and not re.search(r"\d", value):
        return False  # ENV_VAR_NAMES, words
    if re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)+", value):
        return False  # camelCaseIdentifier
    return entropy(value) >= 3.5


def hardcoded_secret(ctx: RuleContext) -> None:
    for node in ctx.captures("report"):
        value = string_value(node)
        if value is None or len(value) < 16:
            continue
        if _describe_argument(node):
            continue  # `.describe('Example: "sk_live_..."')` documents a format
        what = _known_key(value)
        if what is None:
            m = BEARER.match(value.strip())
            if m and _looks_random(m.group(1)):
                what = "a hard-coded bearer/basic credential"
        if what is None:
            name = _assigned_name(node)
            if name is not None and SECRET_NAME.search(name) and _looks_random(value):
                what = f"a high-entropy literal assigned to `{name}`"
        if what is not None:
            ctx.report(node, what=what)


def _known_key(value: str) -> str | None:
    for label, pattern in KEY_PATTERNS:
        m = pattern.search(value)
        if m is None:
            continue
        token = m.group(0)
        if label == "a private key":
            return label
        if PLACEHOLDER.search(token) or re.search(r"(.)\1{7,}", token):
            continue  # sk_live_xxxxxxxx..., 00000000
        if entropy(token) < 3.3:
            continue
        return label
    return None


def _describe_argument(node: Node) -> bool:
    parent = node.parent
    if parent is None or parent.type != "arguments":
        return False
    call = parent.parent
    callee = call.child_by_field_name("function") if call is not None else None
    return callee is not None and callee.type == "member_expression" and text(callee.child_by_field_name("property")) in (
        "describe", "meta", "example"
    )


def _assigned_name(node: Node) -> str | None:
    """The key or variable a literal is the value of: ``{ api_key: '...' }``, ``const token = '...'``,
    ``headers['Authorization'] = '...'``."""
    parent = node.parent
    while parent is not None and parent.type in ("parenthesized_expression", "as_expression", "satisfies_expression"):
        parent = parent.parent
    if parent is None:
        return None
    if parent.type == "pair":
        return property_key(parent)
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return text(name) if name is not None and name.type == "identifier" else None
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        if left is None:
            return None
        if left.type == "member_expression":
            return text(left.child_by_field_name("property"))
        if left.type == "subscript_expression":
            return string_value(left.child_by_field_name("index"))
        return text(left)
    return None


# ---------------------------------------------------------------------------------------------------- NL802
LOOPBACK = re.compile(r"^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0|[^/:]+\.localhost)(?::\d+)?$", re.I)


def insecure_base_url(ctx: RuleContext) -> None:
    model = ctx.model
    for key in ctx.captures("report"):  # `baseUrlOverride` keys (found by byte search): check their values
        pair = key.parent
        if pair is not None and pair.type == "pair" and pair.child_by_field_name("key") == key:
            value = pair.child_by_field_name("value")
            if value is not None:
                _check_url(ctx, value, "baseUrlOverride")
    for call in model.provider_calls:
        cfg = call.config
        if cfg is None or not cfg.known:
            continue
        endpoint = cfg.value("endpoint")
        if endpoint is not None:
            _check_url(ctx, endpoint, "endpoint")


def _check_url(ctx: RuleContext, node: Node, key: str) -> None:
    value = ctx.model.resolve_value(node)
    prefix = template_prefix(value)
    if prefix is None or not prefix.lower().startswith("http://"):
        return
    rest = prefix[len("http://"):]
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if "\x00" in host or not host:
        return  # the host comes from a variable: cannot tell
    if LOOPBACK.match(host):
        return
    ctx.report(node, key=key, host=host)


# ---------------------------------------------------------------------------------------------------- NL803
SECRET_MEMBER = re.compile(r"(?i)(token|secret|password|passwd|api_?key|apikey|private_?key|credentials|jwt|signature|^raw$|code_verifier)")
LOG_METHODS = frozenset({"log", "info", "warn", "error", "debug", "trace", "dir", "table"})
TRANSPARENT_CALLS = frozenset({"JSON.stringify", "String", "encodeURIComponent", "Buffer.from", "btoa"})


class _Taint:
    """Names that hold credentials, keyed by declarator. Kinds: ``connection`` (a getConnection() result: its
    ``credentials`` member is secret, the rest is not), ``secret`` (a token, credentials object or secret field)."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self.model = ctx.model
        self.by_name: dict[str, str] = {}
        self._collect()

    def _source_kind(self, value: Node | None) -> str | None:
        """What an initialiser yields: ``connection``, ``secret`` or None."""
        value = unwrap(value)
        if value is None:
            return None
        if value.type == "await_expression":
            inner = value.named_children[0] if value.named_children else None
            return self._source_kind(inner)
        if value.type == "call_expression":
            callee = value.child_by_field_name("function")
            if callee is not None and callee.type == "member_expression":
                obj = unwrap(callee.child_by_field_name("object"))
                prop = text(callee.child_by_field_name("property"))
                if obj is not None and self.model.is_nango_ref(obj):
                    if prop == "getConnection":
                        return "connection"
                    if prop == "getToken":
                        return "secret"
            return None
        return self.expr_kind(value)

    def expr_kind(self, node: Node | None) -> str | None:
        """The taint of an expression that reads a tainted name through members: ``conn`` -> connection,
        ``conn.credentials`` -> secret, ``conn.credentials.access_token`` -> secret, ``conn.metadata`` -> None."""
        node = unwrap(node)
        path: list[str] = []
        while node is not None and node.type == "member_expression":
            path.append(text(node.child_by_field_name("property")))
            node = unwrap(node.child_by_field_name("object"))
        if node is None or node.type != "identifier":
            return None
        kind = self.by_name.get(text(node))
        if kind is None:
            return None
        for prop in reversed(path):
            if kind == "connection":
                kind = "secret" if prop == "credentials" else None
            elif kind == "secret" and not SECRET_MEMBER.search(prop):
                return None  # token.length, credentials.type, credentials.username, expires_at...
            if kind is None:
                return None
        return kind

    def _collect(self) -> None:
        decls = sorted(self.model.caps.get("m.decl", []), key=lambda d: d.start_byte)
        for _ in range(3):  # a few rounds: `const creds = conn.credentials` after `const conn = ...`
            changed = False
            for decl in decls:
                name = decl.child_by_field_name("name")
                kind = self._source_kind(decl.child_by_field_name("value"))
                if kind is None or name is None:
                    continue
                if name.type == "identifier":
                    changed |= self._mark(text(name), kind)
                elif name.type == "object_pattern":
                    for member in name.named_children:
                        key = value_name = None
                        if member.type == "shorthand_property_identifier_pattern":
                            key = value_name = text(member)
                        elif member.type == "pair_pattern":
                            key = property_key(member)
                            v = member.child_by_field_name("value")
                            value_name = text(v) if v is not None and v.type == "identifier" else None
                        if key is None or value_name is None:
                            continue
                        sub = ("secret" if key == "credentials" else None) if kind == "connection" else (
                            "secret" if SECRET_MEMBER.search(key) else None)
                        if sub is not None:
                            changed |= self._mark(value_name, sub)
            if not changed:
                break

    def _mark(self, name: str, kind: str) -> bool:
        if self.by_name.get(name) == kind or self.by_name.get(name) == "secret":
            return False
        self.by_name[name] = kind
        return True


def credential_logged(ctx: RuleContext) -> None:
    model = ctx.model
    if not model.nango_calls or not any(c.method in ("getConnection", "getToken") for c in model.nango_calls):
        return
    taint = _Taint(ctx)
    if not taint.by_name:
        return
    for call in _log_calls(ctx):
        args = call.child_by_field_name("arguments")
        if args is None:
            continue
        for arg in args.named_children:
            leak = _leaks(taint, arg)
            if leak is not None:
                ctx.report(leak, expr=ctx.text(leak))
                break


def _log_calls(ctx: RuleContext):
    for c in ctx.model.calls("log"):
        yield c.node
    names = ctx.model.names
    for call in ctx.model.member_calls_on("console"):
        callee = call.child_by_field_name("function")
        obj = callee.child_by_field_name("object")
        if text(callee.child_by_field_name("property")) in LOG_METHODS and names.is_global_ref(obj):
            yield call


def _leaks(taint: _Taint, node: Node) -> Node | None:
    """The first sub-expression of a log argument that carries a secret (or a whole connection)."""
    node = unwrap(node)
    if node is None:
        return None
    t = node.type
    if t in ("identifier", "member_expression"):
        kind = taint.expr_kind(node)
        return node if kind in ("secret", "connection") else None
    if t == "template_string":
        for c in node.named_children:
            if c.type == "template_substitution":
                for e in c.named_children:
                    hit = _leaks(taint, e)
                    if hit is not None:
                        return hit
        return None
    if t in ("binary_expression", "ternary_expression", "array", "object", "pair", "spread_element", "sequence_expression"):
        for c in node.named_children:
            if t == "pair" and c == node.child_by_field_name("key"):
                continue
            if t == "ternary_expression" and c == node.child_by_field_name("condition"):
                continue
            hit = _leaks(taint, c)
            if hit is not None:
                return hit
        return None
    if t == "shorthand_property_identifier":
        kind = taint.by_name.get(text(node))
        return node if kind in ("secret", "connection") else None
    if t == "call_expression":
        callee = node.child_by_field_name("function")
        if callee is not None and text(callee) in TRANSPARENT_CALLS:
            args = node.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            return _leaks(taint, first) if first is not None else None
    if t in FUNCTION_TYPES:
        return None
    return None
