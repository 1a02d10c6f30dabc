"""Tracker adapters (README "Your tracker"): a fixture in each tracker's own warehouse schema goes
through the whole pipeline with the demo configuration (goals, funnels), and the marts hold what
was worked out by hand for it.

The GA4 fixture, in the export's nested schema (two visitors on 2026-05-04, UTC):

ga-1, no user id:
  10:00:00 session_start, first_visit, page_view / (utm_source=google, utm_medium=cpc)
  10:05:00 page_view /products/p01
  10:06:00 add_to_cart /products/p01
  10:20:00 user_engagement
  11:00:00 page_view /pricing          (40 min after 10:20 > 30 min: a second session)
  11:02:00 begin_checkout /checkout
  11:03:00 purchase /checkout, purchase_revenue 40.00, purchase_revenue_in_usd 42.00
  11:03:00 the same purchase row exported twice (one event, one duplicate)
  (ga_session_id 1 until 10:20, 2 from 11:00)
ga-2, a property whose GA4 session timeout is 60 minutes (ga_session_id 7 throughout):
  09:00:00 session_start, page_view /blog/post-01
  09:00:30 scroll, percent_scrolled 90
  09:45:00 page_view /products/p02    (44.5 min after 09:00:30)

Worked out by hand from the README's rules and the demo goals and funnels.

Inactivity sessions (the default):
- sessions: ga-1 two (6 events 10:00-10:20, 3 events 11:00-11:03), ga-2 two (3 events
  09:00:00-09:00:30, 1 event at 09:45). GA4's automatic events count as events, so ga-1's first
  session ends at 10:20 (user_engagement).
- goal completions (session x goal): ga-1 first session add_to_cart, product_view, long_visit
  (20 min >= 120 s); second session pricing_page, begin_checkout, purchase (42.00, the USD
  revenue), long_visit (180 s), repeat_visit (second session); ga-2 first session blog_view
  (30 s: no long_visit), second product_view, repeat_visit. 11 rows.
Tracker sessions (micro_conversions__use_tracker_session_id): ga-1 the same two sessions (its
ga_session_id changes where the gap is); ga-2 one session (4 events, 09:00-09:45) with blog_view,
product_view and long_visit (2,700 s), no repeat_visit.
Funnels, either way: checkout (visitor, ordered): ga-1 step 4, ga-2 step 1 (product_view at
09:45); checkout_strict: ga-1 step 1 (user_engagement is the event after add_to_cart);
content_journey and its unordered variant: ga-2's first session, step 1. 5 actors.
"""

from __future__ import annotations

import json
import re

import duckdb
import pyarrow as pa
import pytest
import yaml
from warehouses import DuckDBWarehouse, PostgresWarehouse

from micro_conversions.dbt_runner import PROJECT_DIR

pytestmark = pytest.mark.slow
SITE = "https://shop.example.com"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
DAY = "2026-05-04"


def _micros(clock: str) -> int:
    with duckdb.connect() as con:
        return con.sql(f"select epoch_us(timestamp '{DAY} {clock}')").fetchone()[0]


def _param(key, string=None, integer=None):
    value = (
        f"{{'string_value': {_sql(string)}, 'int_value': {_sql(integer)}::bigint, "
        "'float_value': null::double, 'double_value': null::double}"
    )
    return f"{{'key': '{key}', 'value': {value}}}"


def _sql(value):
    return "null" if value is None else (f"'{value}'" if isinstance(value, str) else str(value))


def _ga4_row(visitor, clock, name, path=None, session=1, extra=(), usd=None, local=None):
    params = [_param("ga_session_id", integer=session)]
    if path is not None:
        params.append(_param("page_location", string=SITE + path))
    params.extend(extra)
    ecommerce = f"{{'purchase_revenue': {_sql(local)}::double, 'purchase_revenue_in_usd': {_sql(usd)}::double}}"
    return (
        f"select '{DAY.replace('-', '')}' as event_date, {_micros(clock)}::bigint as event_timestamp, "
        f"'{name}' as event_name, [{', '.join(params)}] as event_params, '{visitor}' as user_pseudo_id, "
        f"null::varchar as user_id, {{'category': 'desktop', 'operating_system': 'Linux'}} as device, "
        f"{ecommerce} as ecommerce"
    )


GA4_ROWS = [
    _ga4_row("ga-1", "10:00:00", "session_start", "/?utm_source=google&utm_medium=cpc"),
    _ga4_row("ga-1", "10:00:00", "first_visit", "/?utm_source=google&utm_medium=cpc"),
    _ga4_row("ga-1", "10:00:00", "page_view", "/?utm_source=google&utm_medium=cpc"),
    _ga4_row("ga-1", "10:05:00", "page_view", "/products/p01"),
    _ga4_row("ga-1", "10:06:00", "add_to_cart", "/products/p01"),
    _ga4_row("ga-1", "10:20:00", "user_engagement", "/products/p01"),
    _ga4_row("ga-1", "11:00:00", "page_view", "/pricing", session=2),
    _ga4_row("ga-1", "11:02:00", "begin_checkout", "/checkout", session=2),
    _ga4_row("ga-1", "11:03:00", "purchase", "/checkout", session=2, usd=42.0, local=40.0),
    _ga4_row("ga-1", "11:03:00", "purchase", "/checkout", session=2, usd=42.0, local=40.0),
    _ga4_row("ga-2", "09:00:00", "session_start", "/blog/post-01", session=7),
    _ga4_row("ga-2", "09:00:00", "page_view", "/blog/post-01", session=7),
    _ga4_row("ga-2", "09:00:30", "scroll", "/blog/post-01", session=7, extra=[_param("percent_scrolled", integer=90)]),
    _ga4_row("ga-2", "09:45:00", "page_view", "/products/p02", session=7),
]
GA1_COMPLETIONS = {
    ("ga-1", 1): {"add_to_cart", "product_view", "long_visit"},
    ("ga-1", 2): {"pricing_page", "begin_checkout", "purchase", "long_visit", "repeat_visit"},
}
GA4_EXPECTED = {
    "inactivity": {
        "events": {("ga-1", 1): 6, ("ga-1", 2): 3, ("ga-2", 1): 3, ("ga-2", 2): 1},
        "completions": {**GA1_COMPLETIONS, ("ga-2", 1): {"blog_view"}, ("ga-2", 2): {"product_view", "repeat_visit"}},
    },
    "tracker": {
        "events": {("ga-1", 1): 6, ("ga-1", 2): 3, ("ga-2", 1): 4},
        "completions": {**GA1_COMPLETIONS, ("ga-2", 1): {"blog_view", "product_view", "long_visit"}},
    },
}
GA4_FUNNELS = {
    ("checkout", "ga-1"): 4,
    ("checkout", "ga-2"): 1,
    ("checkout_strict", "ga-1"): 1,
    ("content_journey", "ga-2 session 1"): 1,
    ("content_journey_any_order", "ga-2 session 1"): 1,
}


def _build(tmp_path, load, relation, fmt, extra_vars=None):
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(warehouse.path)) as con:
        con.execute(f"create schema {relation.split('.')[0]}")
        load(con, relation)
    settings = {
        "micro_conversions__raw_events_relation": relation,
        "micro_conversions__raw_events_format": fmt,
        **(extra_vars or {}),
    }
    warehouse.run(["build", "--exclude", "test_type:unit"], settings, tmp_path / "target")
    return warehouse


def _load_ga4(con, relation):
    con.execute(f"create table {relation} as {' union all '.join(GA4_ROWS)}")


def _sessions(warehouse):
    return {
        (row[0], row[1]): row[2:]
        for row in warehouse.query(
            "select visitor_id, session_number, event_count, session_start_at, session_end_at, traffic_source, "
            "traffic_medium from fct_sessions"
        )
    }


def _readme_ga4_settings() -> list[dict]:
    """The vars of the README's "Your tracker" commands, read from the README."""
    readme = (PROJECT_DIR / "README.md").read_text()
    text = readme[readme.index("\n## Your tracker\n") : readme.index("\n## Use it as a package\n")]
    commands = [yaml.safe_load(vars_text) for vars_text in re.findall(r"```bash\ndbt build --vars '(.*?)'\n```", text)]
    return [settings for settings in commands if "micro_conversions__raw_events_format" in settings]


@pytest.fixture(scope="module", params=["inactivity", "tracker"])
def ga4(request, tmp_path_factory):
    """The README's first command (inactivity sessions) and its second (tracker sessions), verbatim."""
    plain, with_tracker_sessions = _readme_ga4_settings()
    settings = plain if request.param == "inactivity" else with_tracker_sessions
    assert settings["micro_conversions__raw_events_format"] == "ga4_export"
    assert settings.get("micro_conversions__use_tracker_session_id", False) == (request.param == "tracker")
    relation = settings["micro_conversions__raw_events_relation"]
    extra = {k: v for k, v in settings.items() if k not in ("micro_conversions__raw_events_relation",)}
    warehouse = _build(tmp_path_factory.mktemp("ga4"), _load_ga4, relation, "ga4_export", extra)
    return request.param, warehouse


def test_ga4_sessions_count_every_exported_event(ga4):
    mode, ga4 = ga4
    sessions = _sessions(ga4)
    assert {key: value[0] for key, value in sessions.items()} == GA4_EXPECTED[mode]["events"]
    assert [str(t)[11:19] for t in sessions[("ga-1", 1)][1:3]] == ["10:00:00", "10:20:00"]
    assert sessions[("ga-1", 1)][3:] == ("google", "cpc")
    assert ga4.one("select count(*) from stg_events_quarantine") == 0
    # 14 exported rows: 13 events and the purchase exported twice.
    assert ga4.one("select count(*) from stg_tracker_events") == 14
    assert ga4.one("select count(*) from stg_events") == 13


def test_ga4_goal_completions_and_revenue(ga4):
    mode, ga4 = ga4
    rows = ga4.query(
        "select s.visitor_id, s.session_number, c.goal_id, c.goal_value from fct_goal_completions as c "
        "inner join fct_sessions as s on c.session_id = s.session_id"
    )
    found = {}
    for visitor, number, goal, _ in rows:
        found.setdefault((visitor, number), set()).add(goal)
    assert found == GA4_EXPECTED[mode]["completions"]
    [revenue] = [float(value) for _, _, goal, value in rows if goal == "purchase"]
    assert revenue == 42.0


def test_ga4_funnels(ga4):
    _, ga4 = ga4
    session_names = {
        row[0]: f"{row[1]} session {row[2]}"
        for row in ga4.query("select session_id, visitor_id, session_number from fct_sessions")
    }
    actors = {
        (funnel, session_names.get(actor, actor)): step
        for funnel, actor, step in ga4.query("select funnel_id, actor_id, furthest_step from fct_funnel_actors")
    }
    assert actors == GA4_FUNNELS


def test_ga4_local_revenue_and_scroll_depth(tmp_path):
    warehouse = _build(
        tmp_path, _load_ga4, "ga4.events", "ga4_export", {"micro_conversions__ga4_revenue_column": "purchase_revenue"}
    )
    assert float(warehouse.one("select goal_value from fct_goal_completions where goal_id = 'purchase'")) == 40.0
    assert float(warehouse.one("select percent_scrolled from stg_events where event_name = 'scroll'")) == 90.0


# Segment / RudderStack, Snowplow and PostHog: one visitor each, the same hand-worked story in
# their own columns: 10:00 a page view from a Google ad, 10:05 add to cart, 10:50 a purchase of
# 30.00 (45 min later: a second session), and a bot hit that is not sessionized. Expected: two
# sessions (2 events, 1 event), completions add_to_cart and long_visit (300 s >= 120 s), then
# purchase (30.00) and repeat_visit (a one-event session lasts 0 s: no long_visit).
FLAT_EXPECTED = {1: {"add_to_cart", "long_visit"}, 2: {"purchase", "repeat_visit"}}
LANDING = SITE + "/?utm_source=google&utm_medium=cpc"


def _segment_events():
    rows = [
        ("s1", "anon-1", None, "10:00:00", None, LANDING, UA, None),
        ("s2", "anon-1", None, "10:05:00", "add_to_cart", SITE + "/products/p01", UA, None),
        ("s3", "anon-1", "user-9", "10:50:00", "purchase", SITE + "/checkout", UA, "30.00"),
        ("s4", "crawler", None, "10:00:00", None, SITE + "/", "Googlebot/2.1", None),
    ]
    return [
        {
            "id": r[0],
            "anonymous_id": r[1],
            "user_id": r[2],
            "timestamp": f"{DAY} {r[3]}",
            "event": r[4],
            "context_page_url": r[5],
            "context_page_referrer": None,
            "context_user_agent": r[6],
            "received_at": f"{DAY} 12:00:00",
            "revenue": r[7],
        }
        for r in rows
    ]


def _snowplow_events():
    rows = [
        ("e1", "dom-1", "page_view", "10:00:00", LANDING, UA, None),
        ("e2", "dom-1", "add_to_cart", "10:05:00", SITE + "/products/p01", UA, None),
        ("e3", "dom-1", "purchase", "10:50:00", SITE + "/checkout", UA, "30.0"),
        ("e4", "crawler", "page_view", "10:00:00", SITE + "/", "Googlebot/2.1", None),
    ]
    return [
        {
            "event_id": r[0],
            "domain_userid": r[1],
            "user_id": None,
            "event_name": r[2],
            "derived_tstamp": f"{DAY} {r[3]}",
            "collector_tstamp": f"{DAY} {r[3]}",
            "page_url": r[4],
            "page_referrer": None,
            "useragent": r[5],
            "tr_total": r[6],
            "load_tstamp": f"{DAY} 12:00:00",
            "domain_sessionid": "sp-session",
        }
        for r in rows
    ]


def _posthog_events():
    rows = [
        ("p1", "ph-1", "$pageview", "10:00:00", {"$current_url": LANDING, "$device_type": "Desktop"}),
        ("p2", "ph-1", "add_to_cart", "10:05:00", {"$current_url": SITE + "/products/p01"}),
        ("p3", "ph-1", "purchase", "10:50:00", {"$current_url": SITE + "/checkout", "revenue": 30.0}),
        ("p4", "crawler", "$pageview", "10:00:00", {"$current_url": SITE + "/", "$raw_user_agent": "Googlebot/2.1"}),
    ]
    return [
        {
            "uuid": r[0],
            "distinct_id": r[1],
            "event": r[2],
            "timestamp": f"{DAY} {r[3]}",
            "properties": json.dumps({"$raw_user_agent": UA, **r[4]}),
        }
        for r in rows
    ]


FLAT = {
    "segment": (_segment_events, "anon-1"),
    "rudderstack": (_segment_events, "anon-1"),
    "snowplow": (_snowplow_events, "dom-1"),
    "posthog": (_posthog_events, "ph-1"),
}
ENGINE_FORMATS = [("duckdb", fmt) for fmt in FLAT] + [("postgres", fmt) for fmt in ["segment", "snowplow", "posthog"]]


@pytest.mark.parametrize(("engine", "fmt"), ENGINE_FORMATS, ids=[f"{e}-{f}" for e, f in ENGINE_FORMATS])
def test_flat_trackers_go_through_the_pipeline(request, tmp_path, engine, fmt):
    events, visitor = FLAT[fmt]
    if engine == "duckdb":
        warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    else:
        warehouse = PostgresWarehouse(request.getfixturevalue("pg_server"), f"mc_tracker_{fmt}", tmp_path)
    warehouse.load(pa.Table.from_pylist(events()), create=True, relation="tracker.events")
    settings = {"micro_conversions__raw_events_relation": "tracker.events", "micro_conversions__raw_events_format": fmt}
    warehouse.run(["build", "--exclude", "test_type:unit"], settings, tmp_path / "target")
    sessions = _sessions(warehouse)
    assert {key: value[0] for key, value in sessions.items()} == {(visitor, 1): 2, (visitor, 2): 1}
    assert sessions[(visitor, 1)][3:] == ("google", "cpc")
    rows = warehouse.query(
        "select s.session_number, c.goal_id, c.goal_value from fct_goal_completions as c "
        "inner join fct_sessions as s on c.session_id = s.session_id"
    )
    found = {}
    for number, goal, _ in rows:
        found.setdefault(number, set()).add(goal)
    assert found == FLAT_EXPECTED
    assert [float(v) for _, goal, v in rows if goal == "purchase"] == [30.0]
    assert warehouse.one("select count(*) from stg_events where is_bot") == 1


def test_an_unknown_format_is_named(tmp_path):
    from micro_conversions.dbt_runner import failures, run_dbt

    warehouse = DuckDBWarehouse(tmp_path / "unknown.duckdb")
    warehouse.load(pa.Table.from_pylist(_segment_events()), create=True, relation="tracker.events")
    from micro_conversions.dbt_runner import configure_environment

    configure_environment(warehouse.path)
    result = run_dbt(
        ["build", "--select", "stg_events_checked"],
        dbt_vars={
            "micro_conversions__raw_events_relation": "tracker.events",
            "micro_conversions__raw_events_format": "mixpanel",
        },
        target_path=tmp_path / "target",
    )
    assert not result.success
    message = str(result.exception) + " ".join(failures(result).values())
    assert "micro_conversions__raw_events_format is 'mixpanel': it must be one of contract, ga4_export" in message


def test_snowplow_tracker_sessions(tmp_path):
    """dom-1's three events share domain_sessionid 'sp-session': one tracker session, where the
    inactivity rule makes two (the 45-minute gap)."""
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    warehouse.load(pa.Table.from_pylist(_snowplow_events()), create=True, relation="tracker.events")
    settings = {
        "micro_conversions__raw_events_relation": "tracker.events",
        "micro_conversions__raw_events_format": "snowplow",
        "micro_conversions__use_tracker_session_id": True,
    }
    warehouse.run(["build", "--exclude", "test_type:unit"], settings, tmp_path / "target")
    assert {key: value[0] for key, value in _sessions(warehouse).items()} == {("dom-1", 1): 3}
