"""The generator: deterministic, self-consistent, and its planted sessions are real.

The session check re-derives sessions from the written events with Python's own datetime
parsing (no SQL, no dbt), so it is independent of the project's sessionization.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import pyarrow.compute as pc
import pytest

from micro_conversions.generate import Params, generate

SMALL = Params(people=400, seed=3)


@pytest.fixture(scope="module")
def small():
    return generate(SMALL)


def test_same_seed_same_output(small):
    again = generate(SMALL)
    assert small[0].equals(again[0])
    assert small[1].equals(again[1])


def test_other_seed_other_output(small):
    other = generate(Params(people=400, seed=4))
    assert not small[0].equals(other[0])


def test_counts_add_up(small):
    table, truth, summary = small
    assert table.num_rows == summary["raw_rows"]
    assert summary["raw_rows"] == summary["staged"] + summary["duplicates"] + summary["quarantined"]
    assert summary["staged"] == summary["good_events"] + summary["bot_events"]
    assert sum(truth["event_count"].to_pylist()) == summary["good_events"]
    assert truth.num_rows == summary["sessions"]
    # Event ids are unique except for the planted duplicates and the rows whose id is missing.
    ids = [i for i in table["event_id"].to_pylist() if i]
    missing = summary["quarantine_reasons"]["missing_event_id"]
    assert len(ids) == table.num_rows - missing
    assert len(ids) - len(set(ids)) == summary["duplicates"]


def _parse(text: str) -> float | None:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def test_planted_sessions_follow_the_timeout_rule(small):
    """Re-sessionize the good, human events in plain Python: a new session after a gap > 1800 s."""
    table, truth, summary = small
    events = defaultdict(list)
    seen = set()
    rows = table.select(["event_id", "event_at", "visitor_id", "loaded_at"]).to_pylist()
    # Keep the first loaded copy of each id, as the contract says.
    rows.sort(key=lambda r: (r["event_id"] or "", r["loaded_at"] or ""))
    for row in rows:
        if not row["event_id"] or not row["visitor_id"] or not row["visitor_id"].startswith("v"):
            continue
        if row["event_id"] in seen:
            continue
        seen.add(row["event_id"])
        at = _parse(row["event_at"] or "")
        if at is None or at < 946684800 or at > 4e9:  # bad rows: unparseable, before 2000, 2099
            continue
        events[row["visitor_id"]].append((at, row["event_id"]))
    derived = {}
    for visitor, items in events.items():
        items.sort()
        derived[visitor] = 1 + sum(1 for a, b in zip(items, items[1:], strict=False) if b[0] - a[0] > 1800)
    planted = defaultdict(int)
    for visitor in truth["visitor_id"].to_pylist():
        planted[visitor] += 1
    assert derived == dict(planted)


def test_bad_rows_are_planted(small):
    table, _, summary = small
    reasons = summary["quarantine_reasons"]
    assert all(n > 0 for n in reasons.values()), reasons
    texts = table["event_at"].to_pylist()
    assert texts.count("2099-01-01T00:00:00Z") == reasons["event_at_in_future"]
    assert texts.count("1999-12-31T23:59:59Z") == reasons["event_at_too_early"]


def test_pii_and_channels_present(small):
    table, truth, _ = small
    urls = table["page_url"].cast("string")
    assert pc.any(pc.match_substring(urls, "@")).as_py()
    assert pc.any(pc.match_substring(urls, "email=")).as_py()
    assert set(truth["channel"].to_pylist()) == {
        "Direct",
        "Organic Search",
        "Paid Search",
        "Organic Social",
        "Paid Social",
        "Email",
        "Referral",
    }
