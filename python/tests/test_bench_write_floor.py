"""The bench's write floor copies exactly the tables a build wrote, and leaves nothing behind.

`make bench BENCH_ARGS=--write-floor` times copying every table of the built database into a new
file (benchmarks/bench.py, `copy_tables`). Here, on a small database made for the test: two
tables in the build's schema, one in another dbt schema, a view and the raw events in
`generated`. Expected by construction: the three tables (not the view, not the raw events), each
with the row count it was created with; the source unchanged; no copy file left.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import duckdb

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench.py"


def _bench_module():
    spec = importlib.util.spec_from_file_location("mc_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    # Registered first: its dataclasses look their module up while the file runs.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_copy_tables_times_every_built_table_and_removes_its_copy(tmp_path):
    database = tmp_path / "built.duckdb"
    with duckdb.connect(str(database), config={"storage_compatibility_version": "v1.4.0"}) as con:
        con.execute("create schema generated")
        con.execute("create table generated.raw_events as select range as id from range(5)")
        con.execute("create table main.fct_a as select range as id, 'x' || range as label from range(1000)")
        con.execute("create table main.dim_b as select range as id from range(7)")
        con.execute("create schema audit")
        con.execute("create table audit.log as select range as id from range(3)")
        con.execute("create view main.v_a as select * from main.fct_a")

    timed = _bench_module().copy_tables(database)

    assert sorted((name, rows) for name, rows, _ in timed) == [
        ("audit.log", 3),
        ("main.dim_b", 7),
        ("main.fct_a", 1000),
    ]
    assert all(seconds >= 0 for _, _, seconds in timed)
    assert [seconds for _, _, seconds in timed] == sorted((s for _, _, s in timed), reverse=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["built.duckdb"]
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("select count(*) from main.fct_a").fetchone() == (1000,)
        tables = con.execute("select schema_name || '.' || table_name from duckdb_tables() order by 1").fetchall()
    assert [t for (t,) in tables] == ["audit.log", "generated.raw_events", "main.dim_b", "main.fct_a"]
