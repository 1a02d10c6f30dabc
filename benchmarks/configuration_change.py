"""Benchmark: what a configuration change costs, against a full build of the same events (DuckDB).

Generates N people's events, loads them as a business table, then times plain `dbt build` runs
(no unit tests) in one process, one after the other:

1. the first (full) build;
2. the same build again, nothing changed (incremental models run incrementally, no new rows);
3. after a new goal is added to the goals seed (goal completions, sessions and funnels rebuilt);
4. after a funnel's window changes (the two funnel models rebuilt).

Prints seconds for each and the ratio to the first build; never asserted anywhere. Example:

    .venv/bin/python benchmarks/configuration_change.py --people 1140000   # about 10M events
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from micro_conversions.dbt_runner import configure_environment, copy_project, run_dbt
from micro_conversions.generate import Params, generate, write

NEW_GOAL = "home_page,Home page,micro,destination,,^/$,,,awareness,\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=1_140_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="mc-config-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    project = copy_project(work / "project")

    table, _, summary = generate(Params(people=args.people, seed=args.seed))
    write(table, work / "events.parquet")
    del table
    database = work / "bench.duckdb"
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as con:
        con.execute("create schema generated")
        con.execute(f"create table generated.raw_events as select * from read_parquet('{work / 'events.parquet'}')")
    configure_environment(database)

    def build(label):
        start = time.perf_counter()
        result = run_dbt(
            ["build", "--exclude", "test_type:unit"],
            dbt_vars={"micro_conversions__raw_events_relation": "generated.raw_events"},
            target_path=work / "target",
            project_dir=project,
        )
        seconds = time.perf_counter() - start
        models = {str(r.node.name): r.execution_time for r in result.result or [] if r.node.resource_type == "model"}
        return label, seconds, result.success, models

    runs = [build("first build (full)"), build("again, nothing changed")]
    goals = project / "seeds" / "goals.csv"
    goals.write_text(goals.read_text() + NEW_GOAL)
    runs.append(build("a new goal"))
    funnels = project / "seeds" / "funnels.csv"
    funnels.write_text(
        funnels.read_text().replace(
            "checkout,Checkout,visitor,ordered,604800", "checkout,Checkout,visitor,ordered,86400"
        )
    )
    runs.append(build("a funnel window changed"))

    full = runs[0][1]
    print(f"events (raw rows): {summary['raw_rows']:,}")
    print(f"{'run':<28} {'seconds':>8} {'/ full':>7}  success")
    for label, seconds, success, _ in runs:
        print(f"{label:<28} {seconds:8.1f} {seconds / full:7.2f}  {success}")
    for label, _, _, models in runs[1:]:
        slowest = sorted(models.items(), key=lambda kv: -kv[1])[:6]
        print(f"{label}: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest))
    return 0 if all(r[2] for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
