"""NL406 re-implements both frequency validators a deploy goes through (research §4): every string of the research
table, with the verdict of each validator."""

from __future__ import annotations

import pytest

from nango_lint.checkers.definition import MIN_INTERVAL_MS, SERVER_FREQUENCY_RE, cli_interval, frequency_problem
from tests.helpers import lint_text

BOTH_OK = [
    "every hour", "every 5 minutes", "every 5 minute", "every day", "every 2 days", "every 1h", "every 30s",
    "every 30 seconds", "every 5min", "every 12hrs", "every 45 mins", "every week", "every month", "every half hour",
    "every quarter hour", "every half day", "5 minutes", "every 31 days",
    # the values the templates use
    "every 6 hours", "every 30 minutes", "every 1 hour", "every 5m", "every 6min", "every 1 day",
]
CLI_TOO_SHORT = ["every 29 seconds", "every 5", "every 100ms"]
SERVER_REJECTS = ["every 2 weeks", "every 3 week", "every 1.5 hours", "every 1 year", "every 1y", "every 5  minutes"]
CLI_REJECTS = ["every hours", "every 0 minutes"]
BOTH_REJECT = ["hourly", "Every hour", "every 2h30m", "every day ", "every 1 month", "every  5 minutes"]


@pytest.mark.parametrize("freq", BOTH_OK)
def test_accepted_by_both(freq):
    assert cli_interval(freq) is not None and cli_interval(freq) >= MIN_INTERVAL_MS
    assert SERVER_FREQUENCY_RE.match(freq)
    assert frequency_problem(freq) is None


@pytest.mark.parametrize("freq", CLI_TOO_SHORT)
def test_cli_too_short(freq):
    interval = cli_interval(freq)
    assert interval is not None and interval < MIN_INTERVAL_MS
    assert "30 seconds" in frequency_problem(freq)


@pytest.mark.parametrize("freq", SERVER_REJECTS)
def test_cli_ok_server_rejects(freq):
    assert cli_interval(freq) is not None and cli_interval(freq) >= MIN_INTERVAL_MS
    assert SERVER_FREQUENCY_RE.match(freq) is None
    assert "server" in frequency_problem(freq)


@pytest.mark.parametrize("freq", CLI_REJECTS)
def test_server_ok_cli_rejects(freq):
    assert SERVER_FREQUENCY_RE.match(freq)
    assert cli_interval(freq) is None
    assert "CLI rejects" in frequency_problem(freq)


@pytest.mark.parametrize("freq", BOTH_REJECT)
def test_both_reject(freq):
    assert cli_interval(freq) is None
    assert SERVER_FREQUENCY_RE.match(freq) is None
    assert frequency_problem(freq) is not None


SYNC = """import {{ createSync }} from 'nango';
import {{ z }} from 'zod';

export default createSync({{
    description: 'x',
    frequency: {freq!r},
    models: {{ Item: z.object({{ id: z.string() }}) }},
    exec: async (nango) => {{
        await nango.batchSave([], 'Item');
    }}
}});
"""


@pytest.mark.parametrize("freq", BOTH_OK + CLI_TOO_SHORT + SERVER_REJECTS + CLI_REJECTS + BOTH_REJECT)
def test_rule_reports_exactly_the_rejected_strings(freq):
    findings = [f for f in lint_text(SYNC.format(freq=freq), "demo/syncs/x.ts", "NL406") if f.code == "NL406"]
    assert bool(findings) == (freq not in BOTH_OK)
    if findings:
        assert findings[0].line == 6
