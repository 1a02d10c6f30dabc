"""Key tests of incremental models check only the keys written since their last pass
(macros/tests/unique_combination.sql): `int_key_tests_verified` records each pass, a failed test
records nothing, so a duplicate stays in the next runs' scope until it is gone. On DuckDB (the
SQL is the same on Postgres, whose builds run these tests in test_postgres and the incremental
comparisons).

Two batches of generated events (split by `loaded_at`), built with `+fct_sessions`:
1. a build of the first batch: every key test passes and is recorded with the run's start;
2. a copy of one session is written after that pass (processed_at one second later), under a
   visitor the second batch does not touch: `dbt test` fails on fct_sessions' session key and
   records nothing for it;
3. the second batch is loaded and built: the key tests are scoped (their SQL reads the recorded
   pass), and the copy is still found, so the build fails;
4. the copy is deleted: the build passes and records the new pass;
5. a copy with the processed_at of an already verified row (a row no run wrote: outside what the
   test promises) is not in the scope; with `micro_conversions__key_tests_scope: whole_table` it is
   found.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from warehouses import RAW_RELATION, DuckDBWarehouse, two_batches

from micro_conversions.dbt_runner import close_duckdb_connections, configure_environment, failures, run_dbt
from micro_conversions.generate import Params

pytestmark = pytest.mark.slow
SETTINGS = {"micro_conversions__raw_events_relation": RAW_RELATION}
SELECT = [
    "--select",
    "+fct_sessions",
    "int_key_tests_verified",
    "--exclude",
    "test_type:unit",
    "--indirect-selection",
    "cautious",
]
SESSION_KEY = "fct_sessions: session_id"
SESSION_KEY_TEST = "micro_conversions_unique_combination_fct_sessions_session_id__processed_at"


def _batches():
    return two_batches(Params(people=120, seed=11, start="2026-04-01", days=14), "2026-04-08")


def _invoke(warehouse: DuckDBWarehouse, args, settings, target: Path) -> dict[str, str]:
    """Runs dbt, failed or not: {name of each failed node: status and message}."""
    configure_environment(warehouse.path)
    result = run_dbt(args, dbt_vars={**SETTINGS, **settings}, target_path=target)
    close_duckdb_connections()
    return failures(result)


def _verified(warehouse: DuckDBWarehouse) -> dict[str, datetime]:
    return dict(warehouse.query("select test_key, verified_through from int_key_tests_verified"))


def _compiled_key_test(target: Path) -> str:
    """The SQL the last run executed for fct_sessions' session key test."""
    manifest = json.loads((target / "manifest.json").read_text())
    (alias,) = (n["alias"] for n in manifest["nodes"].values() if n["name"] == SESSION_KEY_TEST)
    (path,) = (target / "run").rglob(f"{alias}.sql")
    return path.read_text()


def _copy_a_session(warehouse: DuckDBWarehouse, visitor_id: str, processed_at: datetime) -> None:
    """A second row of the visitor's first session, stamped as written at `processed_at`."""
    with duckdb.connect(str(warehouse.path)) as con:
        con.execute(
            "insert into fct_sessions select * replace (cast(? as timestamp) as processed_at) "
            "from fct_sessions where visitor_id = ? and session_number = 1",
            [processed_at, visitor_id],
        )


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    work = tmp_path_factory.mktemp("scoped_key_tests")
    first, second = _batches()
    assert first.num_rows > 0 and second.num_rows > 0
    warehouse, target = DuckDBWarehouse(work / "incremental.duckdb"), work / "target"
    out: dict[str, object] = {}

    # 1. the first batch
    warehouse.load(first, create=True)
    out["first build"] = _invoke(warehouse, ["build", *SELECT], {}, target)
    out["first pass"] = _verified(warehouse)
    out["first write"] = warehouse.one("select max(processed_at) from fct_sessions")

    # 2. a copy written after the pass, of a visitor the second batch leaves alone
    late_visitors = set(second.column("visitor_id").to_pylist())
    visitor = min(v for (v,) in warehouse.query("select visitor_id from fct_sessions") if v not in late_visitors)
    planted_at = out["first pass"][SESSION_KEY] + timedelta(seconds=1)
    _copy_a_session(warehouse, visitor, planted_at)
    out["test after copy"] = _invoke(warehouse, ["test", *SELECT], {}, target)
    out["pass after failed test"] = _verified(warehouse)

    # 3. the second batch
    warehouse.load(second, create=False)
    out["second build"] = _invoke(warehouse, ["build", *SELECT], {}, target)
    out["second build key test"] = _compiled_key_test(target)
    out["pass after failed build"] = _verified(warehouse)
    out["second write"] = warehouse.one("select max(processed_at) from fct_sessions")

    # 4. the copy removed
    with duckdb.connect(str(warehouse.path)) as con:
        con.execute("delete from fct_sessions where processed_at = ?", [planted_at])
    out["third build"] = _invoke(warehouse, ["build", *SELECT], {}, target)
    out["third pass"] = _verified(warehouse)

    # 5. a copy stamped as already verified
    _copy_a_session(warehouse, visitor, out["third pass"][SESSION_KEY])
    out["old copy, scoped"] = _invoke(warehouse, ["test", *SELECT], {}, target)
    out["old copy, whole table"] = _invoke(
        warehouse, ["test", *SELECT], {"micro_conversions__key_tests_scope": "whole_table"}, target
    )
    return out


def test_every_key_test_that_passes_is_recorded_with_the_run_start(runs):
    assert runs["first build"] == {}
    first = runs["first pass"]
    expected = {
        SESSION_KEY,
        "fct_sessions: visitor_id, session_number",
        "int_sessions_aggregated: session_id",
        "int_events_sessionized: event_id",
        "int_sessions_intent_classified: session_id",
    }
    assert expected <= set(first)
    # The run's start is what it stamped on every row it wrote.
    assert set(first.values()) == {runs["first write"]}


def test_a_copy_written_after_the_pass_fails_and_records_nothing(runs):
    assert SESSION_KEY_TEST in runs["test after copy"]
    assert runs["pass after failed test"][SESSION_KEY] == runs["first pass"][SESSION_KEY]


def test_the_next_run_is_scoped_and_still_finds_the_copy(runs):
    sql = runs["second build key test"]
    verified = runs["first pass"][SESSION_KEY].strftime("%Y-%m-%d %H:%M:%S.%f")
    assert f"processed_at > cast('{verified}' as timestamp)" in sql  # only keys written since the pass
    assert "inner join written_keys" in sql
    assert SESSION_KEY_TEST in runs["second build"]
    after = runs["pass after failed build"]
    assert after[SESSION_KEY] == runs["first pass"][SESSION_KEY]
    # Tests that passed in the same run moved on to its start.
    assert after["int_sessions_aggregated: session_id"] == runs["second write"] > runs["first write"]


def test_once_the_copy_is_gone_the_build_passes_and_records_it(runs):
    assert runs["third build"] == {}
    third = runs["third pass"]
    assert set(third) == set(runs["first pass"])
    assert min(third.values()) > runs["second write"]


def test_rows_no_run_wrote_are_outside_the_scope_unless_the_whole_table_is_checked(runs):
    # A copy stamped as verified was never written by a run: outside what the scoped test checks.
    assert SESSION_KEY_TEST not in runs["old copy, scoped"]
    assert SESSION_KEY_TEST in runs["old copy, whole table"]
