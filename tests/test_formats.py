"""Every output format, against golden files, plus what golden files cannot show on their own: the GitHub escaping
survives the runner's parser, SARIF validates against the official schema, columns use each format's unit,
fingerprints are stable and unique, and ``--output`` / the GitHub default behave on the real command line.

Regenerate the golden files with ``NANGO_LINT_UPDATE_GOLDEN=1 python -m pytest tests/test_formats.py``.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest

from nango_lint.discovery import discover
from nango_lint.findings import Finding, Severity
from nango_lint.registry import catalog
from nango_lint.report import FORMATS, Report, Summary, reporter
from nango_lint.report import github as gh
from nango_lint.report.common import fingerprints
from nango_lint.runner import lint_targets
from tests.helpers import FIXTURES, ROOT, settings_for

HERE = FIXTURES / "_formats"
GOLDEN = HERE / "golden"
SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"
UPDATE = os.environ.get("NANGO_LINT_UPDATE_GOLDEN") == "1"

ODD_DIR = "integrations/acme,inc:v2/syncs"  # a `,` and a `:` in the path
TICKETS = f"{ODD_DIR}/tickets.ts"
GET_THING = "integrations/acme/actions/get-thing.ts"
CLEAN = "integrations/acme/actions/clean.ts"
UNREAD = "integrations/acme/actions/unread.ts"  # a finding whose source the report does not have
TRICKY_MESSAGE = "Coverage is 100% (not 50%)\nsecond line: a,b\r\nthird line"
GOLDEN_NAMES = {"concise": "concise.txt", "full": "full.txt", "json": "json.json", "json-lines": "json-lines.jsonl",
                "github": "github.txt", "sarif": "sarif.json", "gitlab": "gitlab.json", "rdjson": "rdjson.json"}


def make_project(root: Path) -> None:
    for rel, fixture in ((TICKETS, "tickets.ts"), (GET_THING, "get-thing.ts"), (CLEAN, "clean.ts")):
        dest = root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes((HERE / fixture).read_bytes())


def lint_project(root: Path) -> tuple[list[Finding], dict, int]:
    results = list(lint_targets(discover(["integrations"]), settings_for()))
    findings = [f for r in results for f in r.findings]
    sources = {r.path: r.parsed for r in results if r.parsed is not None}
    return findings, sources, len(results)


def column_of(line: str, needle: str) -> int:
    return line.index(needle) + 1


def hand_made(root: Path) -> list[Finding]:
    """Findings built directly: a message with `%`, CR and LF after CJK and emoji on the same line; a span over a
    whole statement that starts at its line's first character; a finding on a file the report has no source for."""
    lines = (root / TICKETS).read_text(encoding="utf-8").splitlines()
    n = next(i for i, text in enumerate(lines, 1) if "description: 'Tickets" in text)
    col = column_of(lines[n - 1], "titles")
    start = next(i for i, text in enumerate(lines, 1) if text.startswith("export default createSync"))
    end = len(lines)
    return [
        Finding(TICKETS, n, col, n, col + len("titles"), "NL203", "checkpoint-never-saved", Severity.INFO,
                TRICKY_MESSAGE),
        Finding(TICKETS, start, 1, end, 3, "NL005", "function-folder-mismatch", Severity.WARNING,
                "A whole-statement finding with 'quotes', <angle> & |pipes|"),
        Finding(UNREAD, 3, 5, 3, 9, "NL900", "syntax-error", Severity.ERROR, "The file does not parse here"),
    ]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("CI_PROJECT_DIR", raising=False)
    make_project(tmp_path)
    findings, sources, files = lint_project(tmp_path)
    findings = sorted(findings + hand_made(tmp_path), key=Finding.sort_key)
    return Report(findings, Summary.of(files, findings), sources, {})


def render(report: Report, fmt: str) -> str:
    buf = io.StringIO()
    reporter(fmt)(report, buf)
    return buf.getvalue()


def normalized(fmt: str, text: str) -> str:
    """SARIF embeds the whole rule catalog and the version: the golden file keeps only rule ids, so adding a rule
    does not stale it (the descriptors are tested against the catalog separately)."""
    if fmt != "sarif":
        return text
    doc = json.loads(text)
    driver = doc["runs"][0]["tool"]["driver"]
    driver["semanticVersion"] = "<version>"
    used = {r["ruleId"] for r in doc["runs"][0]["results"]}
    driver["rules"] = [r["id"] for r in driver["rules"] if r["id"] in used]
    for r in doc["runs"][0]["results"]:
        r["ruleIndex"] = "<index>"
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def test_every_format_has_a_golden_file():
    assert set(GOLDEN_NAMES) == set(FORMATS)


@pytest.mark.parametrize("fmt", sorted(GOLDEN_NAMES))
def test_golden(project, fmt):
    got = normalized(fmt, render(project, fmt))
    path = GOLDEN / GOLDEN_NAMES[fmt]
    if UPDATE:
        path.write_text(got, encoding="utf-8", newline="")
    expected = path.read_bytes().decode("utf-8")
    assert got == expected, f"{fmt} output changed; if intended, regenerate with NANGO_LINT_UPDATE_GOLDEN=1"


def test_the_run_covers_what_the_goldens_must_show(project):
    codes = {(f.code, f.path) for f in project.findings}
    assert ("NL402", TICKETS) in codes and ("NL004", TICKETS) in codes and ("NL101", GET_THING) in codes
    assert any(f.end_line > f.line for f in project.findings if f.code == "NL004")  # a multi-line finding from a rule
    assert not [f for f in project.findings if f.path == CLEAN]
    assert {f.severity for f in project.findings} == set(Severity)


def test_every_finding_appears_in_every_format(project):
    n = len(project.findings)
    assert len(render(project, "json-lines").splitlines()) == n
    assert len(json.loads(render(project, "json"))["findings"]) == n
    assert len(json.loads(render(project, "sarif"))["runs"][0]["results"]) == n
    assert len(json.loads(render(project, "gitlab"))) == n
    assert len(json.loads(render(project, "rdjson"))["diagnostics"]) == n
    assert sum(1 for line in render(project, "github").splitlines() if line.startswith("::")) == n
    full = render(project, "full")
    assert sum(1 for f in project.findings if f"[{f.code}]" in full) == n
    assert full.count(" = note: run `nango-lint --explain") == n


# --- GitHub workflow commands -------------------------------------------------------------------------------------


def unescape_property(value: str) -> str:
    return (value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


def unescape_data(value: str) -> str:
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def parse_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """A Python port of the Actions runner's workflow-command parser (``ActionCommand.TryParseV2``): the command
    and its properties end at the first ``::`` after the leading one; properties are split on ``,`` (empty parts
    dropped), each on its first ``=``; values and data are unescaped with ``%25`` last."""
    if not line.startswith("::"):
        return None
    end = line.find("::", 2)
    if end < 0:
        return None
    info, data = line[2:end], line[end + 2:]
    name, _, props_text = info.partition(" ")
    props = {}
    for part in (p for p in props_text.strip().split(",") if p):
        key, eq, value = part.partition("=")
        if eq:
            props[key] = unescape_property(value)
    return name, props, unescape_data(data)


def test_github_escaping_survives_the_runner_parser():
    path, title = "packages/a,b/x:y.ts", "nango-lint (NL001): a,b::c 100%\r\n"
    message = "50% done\nnext: a,b::c\r"
    name, props, data = parse_command(gh.command("error", {"file": path, "line": 3, "title": title}, message))
    assert (name, props, data) == ("error", {"file": path, "line": "3", "title": title}, message)
    # Without property escaping the same annotation loses its file and title: the test can tell the difference.
    naive = f"::error file={path},line=3,title={title}::{message}"
    assert parse_command(naive)[1].get("file") != path


def test_github_annotations_round_trip(project):
    lines = [line for line in render(project, "github").splitlines() if line.startswith("::")]
    parsed = [parse_command(line) for line in lines]
    kinds = [p[0] for p in parsed]
    assert kinds == sorted(kinds, key=["error", "warning", "notice"].index), "errors, then warnings, then notices"
    by_message = {p[2].split(": ", 1)[1]: p for p in parsed}
    tricky = by_message[TRICKY_MESSAGE]
    assert tricky[0] == "notice" and tricky[1]["file"] == TICKETS
    assert tricky[1]["title"] == "nango-lint (NL203 checkpoint-never-saved)"
    assert tricky[2] == f"{TICKETS}:{tricky[1]['line']}:{tricky[1]['col']}: {TRICKY_MESSAGE}"
    for name, props, data in parsed:
        assert set(props) >= {"file", "line", "endLine", "title"}
        if props["line"] == props["endLine"]:
            assert "col" in props and "endColumn" in props
        else:  # the runner drops columns of multi-line annotations, so they are not sent
            assert "col" not in props and "endColumn" not in props
    assert any(props["line"] != props["endLine"] for _, props, _ in parsed)


def _many(n_error: int, n_warning: int, n_info: int) -> Report:
    findings = []
    for sev, n in ((Severity.ERROR, n_error), (Severity.WARNING, n_warning), (Severity.INFO, n_info)):
        findings += [Finding(f"src/f{i}.ts", i + 1, 1, i + 1, 2, "NL202", "checkpoint-not-used", sev, f"m{i}")
                     for i in range(n)]
    findings.sort(key=Finding.sort_key)
    return Report(findings, Summary.of(1, findings), {}, {})


def test_github_says_when_annotations_would_be_hidden(monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    parsed = [parse_command(line) for line in render(_many(23, 4, 12), "github").splitlines()]
    commands = [p for p in parsed if p]
    assert len(commands) == 23 + 4 + 12 + 1
    notices = [p for p in commands if p[0] == "notice"]
    overflow = notices[0]  # first of the notices, so GitHub always shows it
    assert overflow[1] == {"title": "nango-lint: more findings than annotations"}
    assert "13 errors and 3 infos not shown as annotations" in overflow[2]
    assert "this step's log" in overflow[2]
    kinds = [p[0] for p in commands]
    assert kinds.index("notice") > max(i for i, k in enumerate(kinds) if k == "warning")
    # At or under the cap: no notice at all.
    assert "more findings than annotations" not in render(_many(10, 10, 10), "github")
    assert "more findings than annotations" in render(_many(0, 0, 11), "github")  # 11 infos: the notice takes a slot


def test_github_step_summary_lists_every_finding(project, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step output\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    render(project, "github")
    render(project, "github")  # the same run writing github output twice appends the summary once
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step output\n## nango-lint\n")
    assert text.count("## nango-lint") == 1
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| Severity")]
    assert len(rows) == len(project.findings)
    assert "| info | integrations/acme,inc:v2/syncs/tickets.ts:" in text
    assert "Coverage is 100% (not 50%)<br>second line: a,b<br>third line" in text
    assert "&lt;angle&gt; &amp; \\|pipes\\|" in text


def test_github_step_summary_stays_under_one_mebibyte(tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    findings = [Finding(f"src/f{i:05}.ts", 1, 1, 1, 2, "NL202", "checkpoint-not-used", Severity.ERROR, "x" * 900)
                for i in range(3000)]
    report = Report(findings, Summary.of(3000, findings), {}, {})
    out = render(report, "github")
    assert "see the job summary and this step's log" in out
    size = summary.stat().st_size
    assert 900 * 1024 < size < gh.SUMMARY_LIMIT
    text = summary.read_text(encoding="utf-8")
    kept = text.count("| error |")
    assert 0 < kept < 3000
    assert f"{3000 - kept} more findings are not listed here" in text


# --- SARIF ----------------------------------------------------------------------------------------------------------


def sarif_validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_sarif_validates_against_the_official_schema(project):
    validator = sarif_validator()
    doc = json.loads(render(project, "sarif"))
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    # The validator is real: a broken document fails it.
    broken = json.loads(json.dumps(doc))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    del broken["runs"][0]["tool"]["driver"]["name"]
    assert len(list(validator.iter_errors(broken))) >= 2
    empty = Report([], Summary.of(0, []), {}, {})
    assert not list(validator.iter_errors(json.loads(render(empty, "sarif"))))


def test_sarif_rules_come_from_the_catalog(project):
    doc = json.loads(render(project, "sarif"))
    run = doc["runs"][0]
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in catalog()]
    for descriptor, rule in zip(rules, catalog()):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert 0 < len(descriptor["fullDescription"]["text"]) <= 1024
        assert descriptor["help"]["markdown"] == rule.explain()
        assert descriptor["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning",
                                                               "info": "note"}[rule.severity]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert uri["uriBaseId"] == "%SRCROOT%" and not uri["uri"].startswith(("/", "file:"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    for uri in uris:  # relative references with no scheme, decoding back to the reported path
        assert urlsplit(uri).scheme == "" and unquote(uri) in {f.path for f in project.findings}
    assert "integrations/acme,inc%3Av2/syncs/tickets.ts" in uris  # `:` encoded, so it is not read as a scheme


def _line_with(root: Path, rel: str, needle: str) -> tuple[int, str]:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    n = next(i for i, text in enumerate(lines, 1) if needle in text)
    return n, lines[n - 1]


def test_columns_use_each_formats_unit(project, tmp_path):
    n, text = _line_with(tmp_path, TICKETS, "nango.lastSyncDate")
    prefix = text[: text.index("nango.lastSyncDate")]
    assert len(prefix.encode("utf-16-le")) // 2 != len(prefix) != len(prefix.encode())  # the fixture needs all three
    finding = next(f for f in project.findings if f.code == "NL402")
    assert (finding.line, finding.column) == (n, len(prefix) + 1)

    sarif = json.loads(render(project, "sarif"))["runs"][0]
    assert sarif["columnKind"] == "utf16CodeUnits"
    region = next(r for r in sarif["results"] if r["ruleId"] == "NL402")["locations"][0]["physicalLocation"]["region"]
    assert region["startColumn"] == len(prefix.encode("utf-16-le")) // 2 + 1
    assert region["endColumn"] == region["startColumn"] + len("nango.lastSyncDate")

    rd = next(d for d in json.loads(render(project, "rdjson"))["diagnostics"] if d["code"]["value"] == "NL402")
    assert rd["location"]["range"]["start"] == {"line": n, "column": len(prefix.encode()) + 1}
    assert rd["location"]["range"]["end"] == {"line": n, "column": len(prefix.encode()) + 1 + len("nango.lastSyncDate")}

    gl = next(i for i in json.loads(render(project, "gitlab")) if i["check_name"] == "NL402")
    assert gl["location"]["positions"]["begin"] == {"line": n, "column": len(prefix) + 1}

    # The hand-made finding carries no byte offsets: they are recomputed from its line and character column.
    tricky = next(d for d in json.loads(render(project, "rdjson"))["diagnostics"] if d["message"] == TRICKY_MESSAGE)
    line_text = _line_with(tmp_path, TICKETS, "description: 'Tickets")[1]
    assert tricky["location"]["range"]["start"]["column"] == len(line_text[: line_text.index("titles")].encode()) + 1


def test_fingerprints_are_stable_when_code_moves_and_unique(project, tmp_path):
    before_sarif = [r["partialFingerprints"]["nangoLint/v1"] for r in json.loads(render(project, "sarif"))["runs"][0]["results"]]
    before_gitlab = [i["fingerprint"] for i in json.loads(render(project, "gitlab"))]
    assert len(set(before_gitlab)) == len(before_gitlab)
    assert before_sarif == before_gitlab

    # Shift every line of every file down: lines change, fingerprints do not.
    for rel in (TICKETS, GET_THING):
        path = tmp_path / rel
        path.write_text("// moved\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    findings, sources, files = lint_project(tmp_path)
    moved = Report(sorted(findings, key=Finding.sort_key), Summary.of(files, findings), sources, {})
    original = [(f, fp) for f, fp in zip(project.findings, before_gitlab) if f.path != UNREAD and f.code not in ("NL203", "NL005")]
    assert [f.line + 2 for f, _ in original] == [f.line for f in moved.findings]
    assert [fp for _, fp in original] == fingerprints(moved.findings, moved.sources)

    # Two identical findings in one file still get different fingerprints (occurrence index).
    twin = [Finding("a.ts", 1, 1, 1, 2, "NL202", "checkpoint-not-used", Severity.ERROR, "same"),
            Finding("a.ts", 9, 1, 9, 2, "NL202", "checkpoint-not-used", Severity.ERROR, "same")]
    a, b = fingerprints(twin, {})
    assert a != b


def test_gitlab_severity_mapping():
    findings = [Finding("a.ts", i, 1, i, 2, code, "x", sev, "m") for i, (code, sev) in enumerate(
        [("NL202", Severity.ERROR), ("NL203", Severity.WARNING), ("NL104", Severity.INFO), ("NL900", Severity.ERROR)], 1)]
    issues = json.loads(render(Report(findings, Summary.of(1, findings), {}, {}), "gitlab"))
    assert [i["severity"] for i in issues] == ["major", "minor", "info", "critical"]


def test_gitlab_paths_are_relative_to_the_project_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CI_PROJECT_DIR", str(tmp_path))
    f = Finding(str(tmp_path / "integrations" / "x.ts"), 1, 1, 1, 2, "NL202", "checkpoint-not-used", Severity.ERROR, "m")
    issues = json.loads(render(Report([f], Summary.of(1, [f]), {}, {}), "gitlab"))
    assert issues[0]["location"]["path"] == "integrations/x.ts"


def test_full_draws_multi_line_spans(project):
    full = render(project, "full")
    # A span starting at the line's first character: a `/` bar, `|` down the lines, `|___^` under its end.
    block = full.split("warning[NL005]:", 1)[1].split("\n\n", 1)[0]
    assert " | / export default createSync({" in block
    assert " | | ...\n" in block and "30 | | });\n   | |__^\n" in block
    # A span starting mid-line: a `_` line pointing at its start column.
    block = full.split("error[NL004]: Named value export `TicketSchema`", 1)[1].split("\n\n", 1)[0]
    assert "|  ________^" in block and "| |___^" in block
    # Carets under a one-line span after wide characters are placed by display width (emoji and CJK take 2 cells).
    block = full.split("error[NL402]:", 1)[1].split("\n\n", 1)[0]
    frame_lines = [line for line in block.splitlines() if line.lstrip()[:1].isdigit() or line.rstrip().endswith("^")]
    code_line, caret_line = frame_lines
    assert caret_line.index("^") == code_line.index("nango.lastSyncDate") + sum(1 for ch in "🎫票")
    assert caret_line.count("^") == len("nango.lastSyncDate")


# --- the command line ---------------------------------------------------------------------------------------------


def cli(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")}
    return subprocess.run([sys.executable, "-m", "nango_lint", *args], cwd=cwd, capture_output=True, text=True,
                          env={**base, **(env or {})}, timeout=120)


def test_cli_output_writes_extra_reports_from_one_run(tmp_path):
    make_project(tmp_path)
    (tmp_path / "reports:v1").mkdir()
    proc = cli(tmp_path, "integrations", "--output", "sarif:reports:v1/out.sarif", "--output", "gitlab:gl.json",
               "--output", "json-lines:all.jsonl", "-f", "json")
    assert proc.returncode == 1, proc.stderr
    main = json.loads(proc.stdout)
    n = len(main["findings"])
    assert n > 0
    sarif = json.loads((tmp_path / "reports:v1" / "out.sarif").read_text(encoding="utf-8"))  # split on the first colon
    assert len(sarif["runs"][0]["results"]) == n
    assert len(json.loads((tmp_path / "gl.json").read_text(encoding="utf-8"))) == n
    assert len((tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()) == n
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".nango-lint-")]  # no temporary files left


@pytest.mark.parametrize("value, needle", [
    ("xml:out.xml", "unknown format 'xml'"),
    ("sarif", "expected FORMAT:PATH"),
    ("sarif:missing-folder/out.sarif", "folder missing-folder does not exist"),
    ("sarif:.", "is a folder"),
])
def test_cli_output_errors_are_one_line(tmp_path, value, needle):
    make_project(tmp_path)
    proc = cli(tmp_path, "integrations", "--output", value)
    assert proc.returncode == 2
    assert proc.stdout == ""  # rejected before linting
    assert proc.stderr.count("\n") == 1 and needle in proc.stderr and "Traceback" not in proc.stderr


def test_cli_output_to_a_read_only_folder_is_an_error(tmp_path):
    make_project(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        proc = cli(tmp_path, "integrations", "--output", "sarif:locked/out.sarif")
    finally:
        locked.chmod(0o700)
    if os.geteuid() != 0:  # checked before linting
        assert proc.returncode == 2 and "not writable" in proc.stderr and proc.stderr.count("\n") == 1
    else:  # root may write there
        assert proc.returncode == 1 and (locked / "out.sarif").is_file()


def test_cli_output_that_fails_while_writing_is_an_error(tmp_path):
    """A folder that looks writable but refuses new files (sysfs refuses even root): caught when writing."""
    if not os.path.isdir("/sys/kernel"):
        pytest.skip("needs Linux sysfs")
    make_project(tmp_path)
    proc = cli(tmp_path, "integrations", "--output", "sarif:/sys/kernel/nango-lint.sarif")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "--output sarif:/sys/kernel/nango-lint.sarif" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_defaults_to_github_inside_github_actions(tmp_path):
    make_project(tmp_path)
    in_actions = cli(tmp_path, "integrations", env={"GITHUB_ACTIONS": "true"})
    assert in_actions.stdout.startswith("::error file=integrations/acme")
    explicit = cli(tmp_path, "integrations", "-f", "concise", env={"GITHUB_ACTIONS": "true"})
    assert not explicit.stdout.startswith("::") and ": NL" in explicit.stdout
    outside = cli(tmp_path, "integrations")
    assert not outside.stdout.startswith("::")
    assert in_actions.returncode == explicit.returncode == outside.returncode == 1
