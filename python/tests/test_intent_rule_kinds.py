"""Intent rules of every kind classify sessions, and only the kinds configured are compiled.

`events_matching_rules` compiles a branch per kind of rule (event name only; event name and
page-path regex; regex only, which applies to any event on a matching path) and leaves out the
kinds the staged rules do not have (macro `configured_rule_kinds`). The demo's intent rules have
no regex-only rule, so the goal-truth tests never see that branch; this build has one.

Rules (priority, intent): 10 buying = a purchase; 20 docs = any event on a /docs/ page;
30 support = a page view under /help/ (does not count toward the conversion rate).
Expected, by hand, one session per visitor:
- a: a page view on /docs/start, then a purchase: docs and buying match, buying (10) wins;
- b: only a file download on /docs/guide.pdf: no named rule matches it, the regex-only one does;
- c: a page view on /help/returns: support, not counted;
- d: a page view on /: no rule, the default intent (browsing, counted).
"""

from __future__ import annotations

import pytest
from warehouses import DuckDBWarehouse

from micro_conversions.dbt_runner import copy_project

INTENTS = """intent,priority,event_name,page_path_regex,counts_toward_conversion_rate
buying,10,purchase,,true
docs,20,,^/docs/,true
support,30,page_view,^/help/,false
"""
EVENTS = [
    ("a1", "10:00", "a", "page_view", "/docs/start"),
    ("a2", "10:01", "a", "purchase", "/cart"),
    ("b1", "10:00", "b", "file_download", "/docs/guide.pdf"),
    ("c1", "10:00", "c", "page_view", "/help/returns"),
    ("d1", "10:00", "d", "page_view", "/"),
]
EXPECTED = [
    ("a", "buying", True),
    ("b", "docs", True),
    ("c", "support", False),
    ("d", "browsing", True),
]


@pytest.mark.slow
def test_regex_only_rules_classify_and_absent_kinds_are_not_compiled(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "seeds" / "session_intents.csv").write_text(INTENTS)
    rows = ["event_id,event_at,visitor_id,event_name,page_url,loaded_at"]
    rows += [
        f"{event_id},2026-03-02T{at}:00Z,{visitor},{name},https://shop.example{path},2026-03-02T12:00:00Z"
        for event_id, at, visitor, name, path in EVENTS
    ]
    events = tmp_path / "events.csv"
    events.write_text("\n".join(rows) + "\n")

    warehouse = DuckDBWarehouse(tmp_path / "intents.duckdb")
    warehouse.run(
        ["build", "--select", "+int_sessions_intent_classified", "--indirect-selection", "cautious"]
        + ["--exclude", "test_type:unit"],
        dbt_vars={"micro_conversions__raw_events_relation": str(events)},
        target_path=tmp_path / "target",
        project_dir=project,
    )
    classified = warehouse.query(
        "select visitor_id, intent, counts_toward_conversion_rate"
        " from main.int_sessions_intent_classified order by visitor_id"
    )
    assert classified == EXPECTED

    compiled = next((tmp_path / "target" / "run").rglob("int_sessions_intent_classified.sql")).read_text()
    # Three kinds configured: three branches (two unions); no rule without name and regex, so no
    # cross join of every event with the rules.
    assert compiled.count("union all") == 2
    assert "cross join" not in compiled
