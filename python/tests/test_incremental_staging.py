"""Staging runs incrementally by load time (macros/incremental/load_window.sql), on DuckDB.

Hand-made raw rows arrive in batches. The expected results are worked out from the rules in
docs/incremental_state.md ("Staging"), not read from a build:

- batch 1, loaded 2026-03-01 10:00: visitor v1's events e1-e3 and visitor v2's e4; e5 without a
  visitor id (quarantined);
- batch 2, loaded 2026-03-02 10:00: v1's e6; a second copy of e2 (a duplicate: rank 2, dropped);
  e7, loaded 2026-03-01 09:30, landing only now, inside the one-hour lookback behind the
  watermark (10:00 - 1 h = 09:00), so it is staged; e8 without a loaded_at (staged on every run).

After batch 2 the incremental build equals a full refresh of both batches. Then:
- a batch-1 row changed in place is not re-read (it is older than the window): staging re-reads
  only the window, and a full refresh is what picks such a change up;
- a row landing with a loaded_at older than the lookback is missed, and the build fails on
  `assert_raw_rows_reconcile` instead of publishing a count that does not add up;
- a new raw column (passed through) stops the build with dbt's schema-change error, writing
  nothing, until a full refresh.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest
from warehouses import RAW_RELATION, DuckDBWarehouse, assert_relations_equal

from micro_conversions.dbt_runner import close_duckdb_connections, configure_environment, run_dbt

SITE = "https://shop.example.com"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
BATCH_1 = "2026-03-01T10:00:00Z"
BATCH_2 = "2026-03-02T10:00:00Z"
COLUMNS = ["event_id", "event_at", "visitor_id", "event_name", "page_url", "user_agent", "loaded_at"]
STAGING = ["stg_events_checked", "stg_events", "stg_events_quarantine"]
# One quarantined row in a handful: above the default share the build tolerates.
SETTINGS = {"micro_conversions__raw_events_relation": RAW_RELATION, "micro_conversions__max_quarantined_share": 0.5}


def row(event_id, at, visitor, loaded_at, path="/", name="page_view"):
    return {
        "event_id": event_id,
        "event_at": f"2026-03-01T{at}Z",
        "visitor_id": visitor,
        "event_name": name,
        "page_url": SITE + path,
        "user_agent": UA,
        "loaded_at": loaded_at,
    }


BATCHES = [
    [
        row("e1", "08:00:00", "v1", BATCH_1),
        row("e2", "08:05:00", "v1", BATCH_1, path="/products/p01"),
        row("e3", "08:10:00", "v1", BATCH_1, path="/checkout", name="begin_checkout"),
        row("e4", "08:00:00", "v2", BATCH_1),
        row("e5", "08:00:00", None, BATCH_1),
    ],
    [
        row("e6", "08:15:00", "v1", BATCH_2, path="/pricing"),
        row("e2", "08:05:00", "v1", BATCH_2, path="/products/p01"),
        row("e7", "08:02:00", "v2", "2026-03-01T09:30:00Z", path="/blog/post-01"),
        row("e8", "08:20:00", "v1", None, path="/contact"),
    ],
]


def table(rows):
    return pa.Table.from_pylist(rows, schema=pa.schema([(c, pa.string()) for c in COLUMNS]))


def build(warehouse, work, *extra):
    return warehouse.run(["build", "--exclude", "test_type:unit", *extra], SETTINGS, work)


def try_build(warehouse, work):
    configure_environment(warehouse.path)
    result = run_dbt(["build", "--exclude", "test_type:unit"], SETTINGS, work)
    close_duckdb_connections()
    return result


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    work = tmp_path_factory.mktemp("staging")
    incremental, full = DuckDBWarehouse(work / "incremental.duckdb"), DuckDBWarehouse(work / "full.duckdb")
    incremental.load(table(BATCHES[0]), create=True)
    build(incremental, work / "target")
    incremental.load(table(BATCHES[1]), create=False)
    build(incremental, work / "target")
    full.load(table(BATCHES[0] + BATCHES[1]), create=True)
    build(full, work / "target_full", "--full-refresh")
    return work, incremental, full


@pytest.mark.slow
def test_the_second_batch_is_staged_as_a_full_refresh_stages_it(staged):
    _, incremental, full = staged
    assert_relations_equal(
        incremental.snapshot(), full.snapshot(), [*STAGING, "int_events_sessionized", "fct_sessions"]
    )
    # The rules, by hand: 9 raw rows = 7 staged + 1 duplicate + 1 quarantined.
    assert incremental.one("select count(*) from stg_events") == 7
    assert incremental.query(
        "select event_id, loaded_at_text, event_id_rank from stg_events_checked "
        "where event_id = 'e2' order by event_id_rank"
    ) == [("e2", BATCH_1, 1), ("e2", BATCH_2, 2)]
    assert incremental.one("select count(*) from stg_events_quarantine") == 1
    assert incremental.one("select count(*) from stg_events where event_id in ('e7', 'e8')") == 2


@pytest.mark.slow
def test_rows_before_the_window_are_not_read_again(staged):
    work, incremental, _ = staged
    with duckdb.connect(str(incremental.path)) as con:
        con.execute(f"update {RAW_RELATION} set page_url = '{SITE}/changed' where event_id = 'e1'")
    build(incremental, work / "target")
    assert incremental.one("select page_path from stg_events where event_id = 'e1'") == "/"
    build(incremental, work / "target_refresh", "--full-refresh")
    assert incremental.one("select page_path from stg_events where event_id = 'e1'") == "/changed"


@pytest.mark.slow
def test_a_row_older_than_the_lookback_fails_the_reconciliation(staged):
    work, incremental, _ = staged
    # The watermark is now 2026-03-02 10:00 (batch 2): 08:00 that day is outside the one-hour lookback.
    incremental.load(table([row("e9", "08:30:00", "v2", "2026-03-02T08:00:00Z")]), create=False)
    result = try_build(incremental, work / "target")
    failed = {str(r.node.name) for r in result.result if str(r.status) in ("fail", "error")}
    assert failed == {"assert_raw_rows_reconcile"}
    assert incremental.one("select count(*) from stg_events where event_id = 'e9'") == 0
    build(incremental, work / "target_refresh", "--full-refresh")
    assert incremental.one("select count(*) from stg_events where event_id = 'e9'") == 1


@pytest.mark.slow
def test_a_new_raw_column_stops_the_build_until_a_full_refresh(staged):
    work, incremental, _ = staged
    with duckdb.connect(str(incremental.path)) as con:
        con.execute(f"alter table {RAW_RELATION} add column campaign_code varchar")
        con.execute(f"update {RAW_RELATION} set campaign_code = 'spring-' || event_id")
    before = incremental.one("select count(*) from stg_events_checked")
    result = try_build(incremental, work / "target")
    errors = {str(r.node.name): str(r.message) for r in result.result if str(r.status) == "error"}
    assert list(errors) == ["stg_events_checked"] and "out of sync" in errors["stg_events_checked"]
    assert incremental.one("select count(*) from stg_events_checked") == before  # nothing written or lost
    build(incremental, work / "target_refresh", "--full-refresh")
    assert incremental.query(
        "select event_id, campaign_code from stg_events where event_id in ('e1', 'e6') order by 1"
    ) == [("e1", "spring-e1"), ("e6", "spring-e6")]
