"""`make bench`: the project's build against a hand-written DuckDB script on the same events.

On N generated raw events (default 10 million), in one run, each step in a process of its own so
its peak memory can be read (the kernel's maximum resident set of the finished process, read by
benchmarks/peak_memory.py):

1. the hand-written reference (benchmarks/reference.sql: dedupe, sessions, goals per session,
   one ordered 4-step visitor funnel), on the same rows as the first build;
2. `dbt parse` from scratch, then the full `dbt build` (models and data tests, no unit tests) of
   99% of the rows (all but the last 1% by loaded_at); dbt's target folder is kept from there on,
   as between a user's runs, so each build parses only what changed;
3. the reference again;
4. an incremental `dbt build` after the last 1% is appended (a late batch);
5. a `dbt build` after a configuration change: a new goal in the goals seed;
6. the reference a third time.

With `--write-floor`, right after the full build: every table the build wrote, copied as it is
into a new database file of the same storage format (a child process; the file is removed after).
No model can cost less than writing its own result, so the sum is the part of the full build
that only keeping fewer or narrower tables can remove (docs/performance.md, "What writing the
tables costs").

Prints seconds and peak memory of each, the ratios to the reference (the mean of its runs) and to
the full build, and the slowest models of each build. Nothing here is asserted anywhere: the
machine is shared, so figures are compared as ratios within one run.

    make bench                                     # 10M events
    make bench BENCH_ARGS='--events 1000000'
    .venv/bin/python benchmarks/bench.py --events 100000000 --skip-reference-repeats
    make bench BENCH_ARGS='--engine spark --events 200000'   # the local Spark session against DuckDB
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from micro_conversions.dbt_runner import copy_project
from micro_conversions.generate import Params, generate, write

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
# The new goal of the configuration-change step: a destination goal on the home page.
NEW_GOAL = "home_page,Home page,micro,destination,page_view,^/$,,,awareness,false\n"
# Raw rows per generated person (the generator's default mix), to size a run.
ROWS_PER_PERSON = 8.7
# The largest population generated at once; bigger runs repeat it with fresh ids.
MAX_PEOPLE_PER_CHUNK = 1_150_000
ID_COLUMNS = ["event_id", "visitor_id", "user_id", "tracker_session_id"]
# The storage format profiles.yml gives a database file dbt creates: the raw events are loaded
# into a file of the same format, as a user's new database would be (docs/performance.md).
STORAGE_VERSION = os.environ.get("MC_DUCKDB_STORAGE_VERSION", "v1.4.0")


@dataclass
class Step:
    label: str
    seconds: float
    peak_mib: float
    models: dict[str, float] = field(default_factory=dict)
    tests_seconds: float = 0.0
    output: str = ""


def run_measured(label: str, command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Step:
    """Runs `command` as a child process; its wall-clock seconds and peak resident memory, read by
    benchmarks/peak_memory.py (this process's own rusage of a child would count this process's
    memory too: see there)."""
    with tempfile.NamedTemporaryFile(prefix="mc-bench-peak-", delete=False) as peak_file:
        peak_path = Path(peak_file.name)
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(HERE / "peak_memory.py"), str(peak_path), *command],
        env={**os.environ, **(env or {})},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output = process.stdout.read().decode(errors="replace")
    process.wait()
    seconds = time.perf_counter() - start
    peak_text = peak_path.read_text().strip()
    peak_path.unlink()
    if process.returncode != 0:
        sys.stdout.write(output[-6000:])
        raise SystemExit(f"{label}: exited {process.returncode}")
    return Step(label, seconds, int(peak_text) / 1024, output=output)


def load_raw(work: Path, events: int, seed: int) -> tuple[Path, Path, dict]:
    """Generates the events; returns the dbt database (first 99% by loaded_at), the reference's
    database (the same rows) and counts. The last 1% waits in generated.late_events."""
    target_people = max(1, math.ceil(events / ROWS_PER_PERSON))
    chunks = max(1, math.ceil(target_people / MAX_PEOPLE_PER_CHUNK))
    table, _, summary = generate(Params(people=math.ceil(target_people / chunks), seed=seed))
    write(table, work / "events.parquet")
    del table
    database = work / "bench.duckdb"
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database), config={"storage_compatibility_version": STORAGE_VERSION}) as con:
        con.execute("create schema generated")
        columns = [
            row[0]
            for row in con.execute(f"describe select * from read_parquet('{work / 'events.parquet'}')").fetchall()
        ]

        def chunk_select(k: int) -> str:
            # Chunk k: the same population again, every id prefixed so it is another population.
            renamed = [
                f"case when {c} is null then null else 'c{k}-' || {c} end as {c}" if c in ID_COLUMNS and k else c
                for c in columns
            ]
            return f"select {', '.join(renamed)} from read_parquet('{work / 'events.parquet'}')"

        con.execute(f"create table generated.all_events as {chunk_select(0)}")
        for k in range(1, chunks):
            con.execute(f"insert into generated.all_events {chunk_select(k)}")
        (cut,) = con.execute("select quantile_disc(loaded_at, 0.99) from generated.all_events").fetchone()
        con.execute(
            f"create table generated.raw_events as select * from generated.all_events where loaded_at < '{cut}'"
        )
        con.execute(
            f"create table generated.late_events as select * from generated.all_events where loaded_at >= '{cut}'"
        )
        con.execute("drop table generated.all_events")
        (first,) = con.execute("select count(*) from generated.raw_events").fetchone()
        (late,) = con.execute("select count(*) from generated.late_events").fetchone()
    (work / "events.parquet").unlink()
    reference_db = work / "reference.duckdb"
    reference_db.unlink(missing_ok=True)
    with duckdb.connect(str(reference_db)) as con:
        con.execute(f"attach '{database}' as bench (read_only)")
        con.execute("create table raw_events as select * from bench.generated.raw_events")
    return database, reference_db, {"first": first, "late": late, "chunks": chunks}


def reference_command(database: Path) -> list[str]:
    return [str(BIN / "python"), str(Path(__file__).resolve()), "--reference-only", str(database)]


def run_reference(database: Path) -> str:
    """The reference script in this (child) process; its final counts as text."""
    con = duckdb.connect(str(database), read_only=True)
    con.execute("set preserve_insertion_order = false")
    statements = [s for s in (HERE / "reference.sql").read_text().split(";\n") if s.strip()]
    for statement in statements[:-1]:
        con.execute(statement)
    rows = con.execute(statements[-1]).fetchall()
    return "\n".join(f"reference {what}: {n:,}" for what, n in rows)


def copy_tables_command(database: Path) -> list[str]:
    return [str(BIN / "python"), str(Path(__file__).resolve()), "--copy-tables", str(database)]


def copy_tables(database: Path) -> list[tuple[str, int, float]]:
    """Copies every table of `database` outside the raw events' schema (`generated`) into a new
    file of the same storage format, one `create table ... as select *` at a time; returns (table,
    rows, seconds) of each, slowest first. The copy's file is removed after."""
    copy_path = database.with_name(database.stem + ".copy.duckdb")
    copy_path.unlink(missing_ok=True)
    con = duckdb.connect(
        config={"preserve_insertion_order": False, "memory_limit": os.environ.get("MC_DUCKDB_MEMORY_LIMIT", "4GB")}
    )
    try:
        con.execute(f"attach '{database}' as source (read_only)")
        (storage,) = con.sql(
            "select tags['storage_version'] from duckdb_databases() where database_name = 'source'"
        ).fetchone()
        version = storage.rstrip("+")
        con.execute(f"attach '{copy_path}' as copy_target (storage_version '{version}')")
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = 'source' and schema_name != 'generated' order by schema_name, table_name"
        ).fetchall()
        timed = []
        for schema, table in tables:
            target = f'copy_target.main."{schema}__{table}"'
            start = time.perf_counter()
            con.execute(f'create table {target} as select * from source."{schema}"."{table}"')
            con.execute("checkpoint copy_target")
            seconds = time.perf_counter() - start
            (rows,) = con.execute(f"select count(*) from {target}").fetchone()
            con.execute(f"drop table {target}")
            timed.append((f"{schema}.{table}", rows, seconds))
    finally:
        con.close()
        copy_path.unlink(missing_ok=True)
        Path(str(copy_path) + ".wal").unlink(missing_ok=True)
    return sorted(timed, key=lambda t: -t[2])


def print_copy_times(timed: list[tuple[str, int, float]], top: int = 14) -> str:
    lines = [f"tables copied: {len(timed)}, {sum(t[1] for t in timed):,} rows, {sum(t[2] for t in timed):.1f} s"]
    lines += [f"  {name:<48} {rows:>12,} rows {seconds:7.1f} s" for name, rows, seconds in timed[:top]]
    return "\n".join(lines)


def dbt_step(
    label: str, project: Path, work: Path, database: Path, *extra: str, env_extra: dict[str, str] | None = None
) -> Step:
    target = work / "target"
    # The target folder stays between the builds, as it does between a user's runs, so a build
    # parses only what changed since the last (`dbt_parse` times the first parse on its own).
    (target / "run_results.json").unlink(missing_ok=True)
    command = dbt_command("build", project, target, "--exclude", "test_type:unit", *extra)
    step = run_measured(label, command, env=dbt_environment(work, database, env_extra), cwd=project)
    run_results = (target / "run_results.json").read_text()
    # Kept beside the data: every node's time of each build, also when a later step fails.
    slug = "".join(c if c.isalnum() else "_" for c in label.lower()).strip("_")
    (work / f"run_results_{slug}.json").write_text(run_results)
    results = json.loads(run_results)["results"]
    step.models = {
        r["unique_id"].split(".")[-1]: r["execution_time"] for r in results if r["unique_id"].startswith("model.")
    }
    step.tests_seconds = sum(r["execution_time"] for r in results if r["unique_id"].startswith("test."))
    return step


def dbt_command(subcommand: str, project: Path, target: Path, *extra: str) -> list[str]:
    return [
        str(BIN / "dbt"),
        subcommand,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target-path",
        str(target),
        "--vars",
        json.dumps({"micro_conversions__raw_events_relation": "generated.raw_events"}),
        *extra,
    ]


def dbt_environment(work: Path, database: Path, env_extra: dict[str, str] | None = None) -> dict[str, str]:
    return {
        "MC_DUCKDB_PATH": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_LOG_PATH": str(work / "logs"),
        **(env_extra or {}),
    }


def dbt_parse(project: Path, work: Path, database: Path, env_extra: dict[str, str] | None = None) -> Step:
    """The project parsed from scratch (no earlier parse kept): what the first build of a
    checkout, or any build after `dbt clean`, pays before it runs anything."""
    target = work / "target"
    shutil.rmtree(target, ignore_errors=True)
    command = dbt_command("parse", project, target)
    return run_measured("dbt parse, from scratch", command, env=dbt_environment(work, database, env_extra), cwd=project)


def spark_settings(spark_dir: Path) -> dict[str, str]:
    """The local Spark session's settings, as profiles.yml gives them to dbt-spark."""
    return {
        "spark.sql.warehouse.dir": f"{spark_dir}/warehouse",
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={spark_dir}/metastore",
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
    }


def load_spark(parquet: Path, spark_dir: Path) -> None:
    """In a child process: the events as the Spark table generated.raw_events, in the warehouse and
    metastore the dbt build then opens."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_settings(spark_dir).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sql("create database if not exists generated")
    spark.read.parquet(str(parquet)).write.mode("overwrite").saveAsTable("generated.raw_events")
    spark.stop()


def run_spark(args: argparse.Namespace, work: Path) -> int:
    """The full build on the local Spark session against the DuckDB build and the reference, on
    the same generated events (Spark rebuilds its event tables on every run: no incremental step)."""
    start = time.perf_counter()
    table, _, _ = generate(Params(people=max(1, math.ceil(args.events / ROWS_PER_PERSON)), seed=args.seed))
    parquet = work / "events.parquet"
    write(table, parquet)
    database, reference_db = work / "bench.duckdb", work / "reference.duckdb"
    for path, relation in ((database, "generated.raw_events"), (reference_db, "raw_events")):
        path.unlink(missing_ok=True)
        with duckdb.connect(str(path)) as con:
            if "." in relation:
                con.execute("create schema generated")
            con.execute(f"create table {relation} as select * from read_parquet('{parquet}')")
    spark_dir = work / "spark"
    shutil.rmtree(spark_dir, ignore_errors=True)
    run_measured(
        "load into Spark",
        [str(BIN / "python"), str(Path(__file__).resolve()), "--spark-load", str(parquet), str(spark_dir)],
    )
    print(f"raw rows: {table.num_rows:,}; generated and loaded in {time.perf_counter() - start:.0f} s", flush=True)
    shutil.rmtree(work / "project", ignore_errors=True)
    project = copy_project(work / "project")
    spark_env = {"MC_TARGET": "spark", "MC_SPARK_DIR": str(spark_dir), "SPARK_LOCAL_IP": "127.0.0.1"}

    steps = [run_measured("reference script (before)", reference_command(reference_db))]
    steps.append(dbt_parse(project, work, database))
    steps.append(dbt_step("dbt build, full, DuckDB", project, work, database))
    steps.append(dbt_parse(project, work, database, env_extra=spark_env))
    steps.append(dbt_step("dbt build, full, Spark (local session)", project, work, database, env_extra=spark_env))
    steps.append(run_measured("reference script (after)", reference_command(reference_db)))
    anchor = (steps[0].seconds + steps[-1].seconds) / 2
    duckdb_build = steps[2].seconds
    print_results(steps, anchor, duckdb_build, "DuckDB build")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def print_results(steps: list[Step], anchor: float, base: float, base_label: str) -> None:
    """The table of runs (seconds, peak memory, ratios to the reference and to `base`), then the
    slowest models of each build."""
    print()
    print(f"| run | seconds | peak memory (MiB) | / reference | / {base_label} |")
    print("|---|---|---|---|---|")
    for step in steps:
        # No reference run (--no-reference): no ratio to it.
        to_reference = "-" if math.isnan(anchor) else f"{step.seconds / anchor:.2f}"
        print(
            f"| {step.label} | {step.seconds:.1f} | {step.peak_mib:,.0f} | {to_reference} | {step.seconds / base:.2f} |"
        )
    for step in steps:
        if step.models:
            print_profile(step)


def print_profile(step: Step, top: int = 8) -> None:
    """The slowest models of a build (their times overlap when dbt runs more than one thread)."""
    slowest = sorted(step.models.items(), key=lambda kv: -kv[1])[:top]
    print(f"\n{step.label}: models {sum(step.models.values()):.0f} s, data tests {step.tests_seconds:.0f} s")
    for name, seconds in slowest:
        print(f"  {name:<40} {seconds:7.1f} s")
    print(flush=True)


def describe_machine() -> str:
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import dbt.version

    return (
        f"{os.cpu_count()} cores, {memory_gib:.0f} GiB RAM, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, dbt-core {dbt.version.__version__}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=10_000_000, help="raw events to generate (about)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=None, help="default: a new temporary folder, removed after")
    ap.add_argument("--skip-reference-repeats", action="store_true", help="run the reference once, first")
    ap.add_argument("--full-build-only", action="store_true", help="stop after the full build")
    ap.add_argument("--skip-new-goal", action="store_true", help="stop after the incremental build")
    ap.add_argument("--no-reference", action="store_true", help="skip the reference script (ratios not printed)")
    ap.add_argument(
        "--write-floor",
        action="store_true",
        help="after the full build, time copying every table it wrote (what writing the results alone costs)",
    )
    ap.add_argument(
        "--reuse-data", action="store_true", help="with --workdir: reuse the events an earlier run generated there"
    )
    ap.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        default="duckdb",
        help="spark: the full build on the local Spark session against DuckDB's (use a small --events)",
    )
    ap.add_argument("--reference-only", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--spark-load", nargs=2, type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--copy-tables", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reference_only:
        print(run_reference(args.reference_only))
        return 0
    if args.copy_tables:
        print(print_copy_times(copy_tables(args.copy_tables)))
        return 0
    if args.spark_load:
        load_spark(*args.spark_load)
        return 0

    work = args.workdir or Path(tempfile.mkdtemp(prefix="mc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {describe_machine()}", flush=True)
    if args.engine == "spark":
        return run_spark(args, work)
    start = time.perf_counter()
    pristine = work / "pristine.duckdb"
    if args.reuse_data and pristine.exists():
        database, reference_db = work / "bench.duckdb", work / "reference.duckdb"
        with duckdb.connect(str(pristine), read_only=True) as con:
            first, late = (
                con.execute(f"select count(*) from generated.{t}").fetchone()[0] for t in ("raw_events", "late_events")
            )
        counts = {"first": first, "late": late, "chunks": "reused"}
    else:
        database, reference_db, counts = load_raw(work, args.events, args.seed)
        shutil.copy(database, pristine)
    shutil.copy(pristine, database)
    with duckdb.connect(str(database), read_only=True) as con:
        (storage,) = con.sql(
            "select tags['storage_version'] from duckdb_databases() where not internal and path is not null"
        ).fetchone()
    print(
        f"raw rows: {counts['first']:,} in the first build, {counts['late']:,} in the late batch "
        f"({counts['chunks']} generated population(s)); generated and loaded in {time.perf_counter() - start:.0f} s; "
        f"database storage format {storage}",
        flush=True,
    )
    shutil.rmtree(work / "project", ignore_errors=True)
    project = copy_project(work / "project")

    steps: list[Step] = []
    references: list[Step] = []

    def reference(label: str) -> None:
        if args.no_reference:
            return
        step = run_measured(label, reference_command(reference_db))
        references.append(step)
        steps.append(step)
        print(f"{label}: {step.seconds:.1f} s, {step.peak_mib:,.0f} MiB", flush=True)

    def build(label: str, *extra: str) -> Step:
        step = dbt_step(label, project, work, database, *extra)
        steps.append(step)
        print(f"{label}: {step.seconds:.1f} s, {step.peak_mib:,.0f} MiB", flush=True)
        print_profile(step)
        return step

    reference("reference script (before)")
    parse = dbt_parse(project, work, database)
    steps.append(parse)
    print(f"{parse.label}: {parse.seconds:.1f} s, {parse.peak_mib:,.0f} MiB", flush=True)
    full = build("dbt build, full")
    if args.write_floor:
        copied = run_measured("copying every table the full build wrote", copy_tables_command(database))
        steps.append(copied)
        print(f"{copied.label}: {copied.seconds:.1f} s, {copied.peak_mib:,.0f} MiB", flush=True)
        print(copied.output.strip(), flush=True)
    if not args.skip_reference_repeats:
        reference("reference script (after the full build)")
    if not args.full_build_only:
        with duckdb.connect(str(database)) as con:
            con.execute("insert into generated.raw_events select * from generated.late_events")
        build("dbt build, incremental after a 1% late batch")
        if not args.skip_new_goal:
            goals = project / "seeds" / "goals.csv"
            goals.write_text(goals.read_text() + NEW_GOAL)
            build("dbt build after a new goal")
        if not args.skip_reference_repeats:
            reference("reference script (at the end)")

    anchor = sum(s.seconds for s in references) / len(references) if references else math.nan
    print()
    print(references[0].output.strip() if references else "reference script: not run")
    print_results(steps, anchor, full.seconds, "full build")
    if args.write_floor:
        print(f"\n{copied.label}:\n{copied.output.strip()}")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
