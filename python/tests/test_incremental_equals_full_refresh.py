"""Incremental builds equal a full refresh, on DuckDB and on Postgres.

Events arrive in three batches (by `loaded_at`). After each batch an incremental `dbt build` runs;
then a full refresh on all the rows in another database. Every public mart, and the sessionized
events and funnel attempts under them, must be identical (except `processed_at`, the time a row
was written).

Planted in the later batches, besides generated traffic:
- a late event that merges two sessions (10:30 between sessions ending 10:05 and starting 11:00:
  gaps of 25 and 30 minutes, and a gap of exactly 30 minutes stays in the session);
- a late event inside a session, which splits nothing;
- a late event carrying a login, which changes the visitor's stitched user (and so the funnel
  actor of all its events) onto a user already seen on another device;
- an exact duplicate of an event of the first batch, and a bot event.
"""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from warehouses import (
    INCREMENTAL_INTERMEDIATES,
    RAW_RELATION,
    DuckDBWarehouse,
    PostgresWarehouse,
    assert_relations_equal,
)

from micro_conversions.generate import Params, generate
from micro_conversions.gx_audit import build_specs

SITE = "https://shop.example.com"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
# Each batch's planted rows are loaded at the end of that batch's window of generated rows:
# loaded_at increases from batch to batch, as the watermark requires.
BATCH_LOADED_AT = ["2026-03-07T23:00:00Z", "2026-03-14T23:00:00Z", "2026-03-25T00:00:00Z"]


def event(event_id, at, visitor, name="page_view", path="/", user=None, batch=0, ua=UA, revenue=None):
    return {
        "event_id": event_id,
        "event_at": f"2026-03-05T{at}Z",
        "visitor_id": visitor,
        "user_id": user,
        "event_name": name,
        "page_url": SITE + path,
        "referrer_url": None,
        "user_agent": ua,
        "device_category": None,
        "revenue": revenue,
        "loaded_at": BATCH_LOADED_AT[batch],
    }


PLANTED = [
    # Two sessions, merged by a late event in batch 2.
    event("m1", "10:00:00", "merge-me", path="/products/p01"),
    event("m2", "10:05:00", "merge-me", name="add_to_cart", path="/products/p01"),
    event("m3", "11:00:00", "merge-me", path="/pricing"),
    event("m4", "11:05:00", "merge-me", name="begin_checkout", path="/checkout"),
    event("m-late", "10:30:00", "merge-me", path="/blog/post-01", batch=1),
    # A late event inside a session: nothing splits.
    event("i1", "12:00:00", "inside", path="/"),
    event("i2", "12:10:00", "inside", name="video_play", path="/products/p02"),
    event("i-late", "12:05:00", "inside", path="/products/p02", batch=2),
    # A late login: 'anon' becomes user 'u-late', already seen on device 'phone'.
    event("a1", "13:00:00", "anon", path="/products/p03"),
    event("a2", "13:02:00", "anon", name="add_to_cart", path="/products/p03"),
    event("p1", "14:00:00", "phone", path="/checkout", name="begin_checkout", user="u-late"),
    event("p2", "14:01:00", "phone", path="/checkout", name="purchase", user="u-late", revenue="42.00"),
    event("a-late", "12:59:00", "anon", path="/login", user="u-late", batch=2),
    # An exact duplicate delivered again, and a bot.
    event("a1", "13:00:00", "anon", path="/products/p03", batch=2),
    event("bot-1", "12:00:00", "crawler", path="/", batch=1, ua="Googlebot/2.1 (+http://www.google.com/bot.html)"),
]


def _batches():
    generated, _, _ = generate(Params(people=250, seed=21, start="2026-03-01", days=20))
    generated = generated.cast(pa.schema([(f.name, pa.string()) for f in generated.schema]))
    loaded = pc.fill_null(generated["loaded_at"], "")
    cut_1, cut_2 = "2026-03-08", "2026-03-15"
    in_1 = pc.less(loaded, cut_1)
    in_2 = pc.and_(pc.greater_equal(loaded, cut_1), pc.less(loaded, cut_2))
    in_3 = pc.greater_equal(loaded, cut_2)
    planted = pa.Table.from_pylist(PLANTED, schema=generated.schema)
    batch_of = pa.array([PLANTED[i]["loaded_at"] for i in range(len(PLANTED))])
    batches = []
    for i, mask in enumerate([in_1, in_2, in_3]):
        mine = planted.filter(pc.equal(batch_of, BATCH_LOADED_AT[i]))
        batches.append(pa.concat_tables([generated.filter(mask), mine]))
    assert sum(b.num_rows for b in batches) == generated.num_rows + planted.num_rows
    return batches


def _build(warehouse, target, *extra):
    dbt_vars = {"micro_conversions__raw_events_relation": RAW_RELATION}
    warehouse.run(["build", "--exclude", "test_type:unit", *extra], dbt_vars, target)


# Slow tier (three incremental builds and a full one per engine): `make test` in CI, `make test-all`.
@pytest.fixture(
    scope="module",
    params=[pytest.param("duckdb", marks=pytest.mark.slow), pytest.param("postgres", marks=pytest.mark.slow)],
)
def builds(request, tmp_path_factory):
    work = tmp_path_factory.mktemp("incremental")
    if request.param == "duckdb":
        incremental, full = DuckDBWarehouse(work / "incremental.duckdb"), DuckDBWarehouse(work / "full.duckdb")
    else:
        server = request.getfixturevalue("pg_server")
        incremental = PostgresWarehouse(server, "mc_incremental", work)
        full = PostgresWarehouse(server, "mc_full", work)
    batches = _batches()
    states = []
    for i, batch in enumerate(batches):
        incremental.load(batch, create=i == 0)
        _build(incremental, work / "target")
        states.append(
            {
                "merge_me_sessions": incremental.one("select count(*) from fct_sessions where visitor_id = 'merge-me'"),
                "anon_user": incremental.one("select min(user_id) from fct_sessions where visitor_id = 'anon'"),
                "rows": incremental.one("select count(*) from int_events_sessionized"),
                "rewritten": incremental.one(
                    "select count(*) from int_events_sessionized "
                    "where processed_at = (select max(processed_at) from int_events_sessionized)"
                ),
                "rewritten_visitors": {
                    row[0]
                    for row in incremental.query(
                        "select distinct visitor_id from int_events_sessionized "
                        "where processed_at = (select max(processed_at) from int_events_sessionized)"
                    )
                },
                "visitors_this_run": dict(incremental.query("select visitor_id, reason from int_visitors_this_run")),
                "actors_this_run": dict(incremental.query("select actor_id, reason from int_funnel_actors_this_run")),
                "dates_this_run": dict(
                    incremental.query("select cast(session_date as varchar), reason from int_session_dates_this_run")
                ),
                "report_dates": incremental.one("select count(distinct session_date) from rpt_goal_conversion_daily"),
                # The session dates (UTC, the default time zone) of the visitors this run rewrote.
                "rewritten_visitors_dates": {
                    str(row[0])
                    for row in incremental.query(
                        "select distinct cast(session_start_at as date) from fct_sessions "
                        "where visitor_id in (select visitor_id from int_visitors_this_run)"
                    )
                },
            }
        )
    full.load(pa.concat_tables(batches), create=True)
    _build(full, work / "target_full", "--full-refresh")
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    return incremental.snapshot(), full.snapshot(), states, manifest


def test_the_planted_late_events_changed_earlier_results(builds):
    _, _, states, _ = builds
    assert [s["merge_me_sessions"] for s in states] == [2, 1, 1]
    assert [s["anon_user"] for s in states] == [None, None, "u-late"]


def test_incremental_runs_rewrite_only_what_changed(builds):
    _, _, states, _ = builds
    for state in states[1:]:
        assert 0 < state["rewritten"] < state["rows"]


def test_the_this_run_models_list_what_each_run_rebuilt(builds):
    """The planted visitors are where the batches put them; the this-run list is exactly the set
    of visitors whose sessionized rows the run rewrote."""
    _, _, states, _ = builds
    first, second, third = states
    assert first["visitors_this_run"] == {} and first["actors_this_run"] == {}  # a first build
    for state in (second, third):
        assert set(state["visitors_this_run"]) == state["rewritten_visitors"]
        assert set(state["visitors_this_run"].values()) == {"new events"}  # no run stopped part-way
    # merge-me's late event and the bot arrive in batch 2; inside's and anon's late events in batch 3.
    assert "merge-me" in second["visitors_this_run"] and "merge-me" not in third["visitors_this_run"]
    assert "crawler" not in second["visitors_this_run"]  # bot events are not sessionized
    assert {"inside", "anon"} <= set(third["visitors_this_run"])
    assert not {"inside", "anon"} & set(second["visitors_this_run"])
    # anon's login moves its events from actor 'anon' to person 'u-late': both are rebuilt.
    assert third["actors_this_run"]["u-late"] == "events rewritten"
    assert third["actors_this_run"]["anon"] == "actor before"


def test_the_daily_reports_rebuild_only_the_dates_whose_sessions_changed(builds):
    """Every session of a rewritten visitor is written again, but only the dates of the sessions
    whose report figures changed are counted again: fewer than the rewritten visitors' dates."""
    _, _, states, _ = builds
    first, second, third = states
    assert first["dates_this_run"] == {}  # a first build
    for state in (second, third):
        dates = set(state["dates_this_run"])
        assert set(state["dates_this_run"].values()) == {"sessions changed"}
        assert 0 < len(dates) < state["report_dates"]
        assert not dates >= state["rewritten_visitors_dates"]
    # merge-me's late event merges its two sessions of 2026-03-05 into one.
    assert "2026-03-05" in second["dates_this_run"]


def test_every_public_mart_equals_a_full_refresh(builds):
    incremental, full, _, manifest = builds
    marts = [spec.name for spec in build_specs(manifest)]
    assert len(marts) >= 16
    assert_relations_equal(incremental, full, [*marts, *INCREMENTAL_INTERMEDIATES])
