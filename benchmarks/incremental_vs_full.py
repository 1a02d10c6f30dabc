"""Benchmark: an incremental build after a small late batch against a full refresh, on DuckDB.

Generates N people's events, loads all but the last `--late-share` of them (by loaded_at) and
builds; appends the rest and runs an incremental build; then a full refresh on the same rows.
Prints the time of each build, the per-model times of the event-heavy models and the ratio
incremental / full (measured in one run; never asserted anywhere). Example:

    .venv/bin/python benchmarks/incremental_vs_full.py --people 100000
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from micro_conversions.dbt_runner import close_duckdb_connections, configure_environment, failures, run_dbt
from micro_conversions.generate import Params, generate

HEAVY = [
    "stg_events_checked",
    "stg_events",
    "int_events_sessionized",
    "int_sessions_aggregated",
    "int_sessions_intent_classified",
    "int_goal_events_matched",
    "int_goal_completions",
    "fct_goal_completions",
    "fct_sessions",
    "int_visitor_goals_aggregated",
    "dim_visitors",
    "int_funnel_events_ordered",
    "int_funnel_attempts",
]


def build(database: Path, target: Path, *extra: str) -> tuple[float, dict]:
    configure_environment(database)
    start = time.perf_counter()
    result = run_dbt(
        ["build", "--exclude", "test_type:data", "test_type:unit", *extra],
        dbt_vars={"micro_conversions__raw_events_relation": "generated.raw_events"},
        target_path=target,
    )
    elapsed = time.perf_counter() - start
    close_duckdb_connections()
    if not result.success:
        raise SystemExit(f"dbt build failed: {failures(result)}")
    timing = json.loads((target / "run_results.json").read_text())
    models = {r["unique_id"].split(".")[-1]: r["execution_time"] for r in timing["results"]}
    return elapsed, models


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--late-share", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="mc-incr-"))
    work.mkdir(parents=True, exist_ok=True)

    table, _, _ = generate(Params(people=args.people, seed=args.seed))
    table = table.cast(pa.schema([(f.name, pa.string()) for f in table.schema]))
    loaded = pc.fill_null(table["loaded_at"], "")
    stamps = sorted(v for v in loaded.to_pylist() if v)
    cut = stamps[int(len(stamps) * (1 - args.late_share))]
    first = table.filter(pc.less(loaded, cut))
    late = table.filter(pc.greater_equal(loaded, cut))
    print(f"rows: {table.num_rows:,} (first batch {first.num_rows:,}, late batch {late.num_rows:,})")

    incremental, full = work / "incremental.duckdb", work / "full.duckdb"
    for path, rows in [(incremental, first), (full, table)]:
        path.unlink(missing_ok=True)
        with duckdb.connect(str(path)) as con:
            con.register("rows", rows)
            con.execute("create schema generated")
            con.execute("create table generated.raw_events as select * from rows")

    first_build, _ = build(incremental, work / "t0")
    with duckdb.connect(str(incremental)) as con:
        con.register("rows", late)
        con.execute("insert into generated.raw_events select * from rows")
    incremental_build, incremental_models = build(incremental, work / "t1")
    full_build, full_models = build(full, work / "t2", "--full-refresh")
    with duckdb.connect(str(incremental), read_only=True) as con:
        total, rewritten = con.sql(
            "select count(*), count(*) filter (where processed_at = "
            "(select max(processed_at) from int_events_sessionized)) from int_events_sessionized"
        ).fetchone()

    print(f"first build (all models, no tests): {first_build:7.1f} s")
    print(f"incremental build after the late batch: {incremental_build:7.1f} s")
    print(f"full refresh on the same rows:          {full_build:7.1f} s")
    print(f"ratio incremental / full: {incremental_build / full_build:.2f}")
    print(f"sessionized events rewritten by the incremental run: {rewritten:,} of {total:,}")
    print(f"{'model':28s} {'incremental s':>14s} {'full s':>8s}")
    for name in HEAVY:
        print(f"{name:28s} {incremental_models.get(name, 0):14.1f} {full_models.get(name, 0):8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
