"""Benchmark: generate N events, load them as a business table, run `dbt build` on DuckDB.

Prints wall-clock figures for each phase (never asserted anywhere). Example:

    .venv/bin/python benchmarks/build_at_scale.py --people 1140000   # about 10M events
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from micro_conversions.dbt_runner import configure_environment, run_dbt
from micro_conversions.generate import Params, generate, write


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=1_140_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="mc-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    table, _, summary = generate(Params(people=args.people, seed=args.seed))
    t1 = time.perf_counter()
    write(table, work / "events.parquet")
    t2 = time.perf_counter()
    del table
    database = work / "bench.duckdb"
    database.unlink(missing_ok=True)
    con = duckdb.connect(str(database))
    con.execute("create schema generated")
    con.execute(f"create table generated.raw_events as select * from read_parquet('{work / 'events.parquet'}')")
    con.close()
    t3 = time.perf_counter()
    configure_environment(database)
    result = run_dbt(
        ["build", "--exclude", "test_type:unit"],
        dbt_vars={"micro_conversions__raw_events_relation": "generated.raw_events"},
        target_path=work / "target",
    )
    t4 = time.perf_counter()
    timings = {str(r.node.name): r.execution_time for r in (result.result or []) if r.node.resource_type == "model"}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"events (raw rows):     {summary['raw_rows']:,}")
    print(f"generate:              {t1 - t0:6.1f} s")
    print(f"write parquet:         {t2 - t1:6.1f} s")
    print(f"load into duckdb:      {t3 - t2:6.1f} s")
    print(f"dbt build (no unit):   {t4 - t3:6.1f} s  success={result.success}")
    for name, seconds in sorted(timings.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<28} {seconds:6.1f} s")
    print(f"peak RSS of this process: {peak:,.0f} MiB")
    return 0 if result.success else 1


if __name__ == "__main__":
    raise SystemExit(main())
