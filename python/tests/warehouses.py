"""A business's warehouse on each engine, for tests that load raw events in steps and build
incrementally: load a table of raw events, run dbt on it, read one value, and copy what was built
into a DuckDB file so that both engines are compared the same way."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from postgres_fixtures import copy_schema_to_duckdb, environment

from micro_conversions.dbt_runner import PROJECT_DIR, close_duckdb_connections, configure_environment, failures, run_dbt
from micro_conversions.generate import Params, generate

RAW_RELATION = "business.raw_events"
# The incremental models under the public marts, compared too.
INCREMENTAL_INTERMEDIATES = [
    "stg_events_checked",
    "stg_events",
    "int_events_sessionized",
    "int_sessions_aggregated",
    "int_sessions_intent_classified",
    "int_goal_events_matched",
    "int_visitor_goals_aggregated",
    "int_funnel_events_ordered",
    "int_funnel_attempts",
]


def two_batches(params: Params, cut: str) -> tuple[pa.Table, pa.Table]:
    """Generated raw events as text, split by `loaded_at`: before `cut` (and without one), then the rest."""
    generated, _, _ = generate(params)
    generated = generated.cast(pa.schema([(f.name, pa.string()) for f in generated.schema]))
    first = pc.less(pc.fill_null(generated["loaded_at"], ""), cut)
    return generated.filter(first), generated.filter(pc.invert(first))


def run_build(args, dbt_vars, target_path, project_dir=PROJECT_DIR):
    result = run_dbt(args, dbt_vars=dbt_vars, target_path=target_path, project_dir=project_dir)
    close_duckdb_connections()
    assert result.success, failures(result)
    return result


class DuckDBWarehouse:
    engine = "duckdb"

    def __init__(self, path: Path):
        self.path = path

    def load(self, table: pa.Table, create: bool, relation: str = RAW_RELATION):
        schema = relation.split(".")[0]
        with duckdb.connect(str(self.path)) as con:
            con.register("batch", table)
            if create:
                con.execute(f"create schema if not exists {schema}")
                con.execute(f"create table {relation} as select * from batch")
            else:
                con.execute(f"insert into {relation} select * from batch")

    def run(self, args, dbt_vars, target_path, project_dir=PROJECT_DIR):
        configure_environment(self.path)
        return run_build(args, dbt_vars, target_path, project_dir)

    def query(self, sql):
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.sql(sql).fetchall()

    def one(self, sql):
        return self.query(sql)[0][0]

    def snapshot(self, name: str = "") -> Path:
        """The database as it is now (a copy when named: later runs change the file)."""
        if not name:
            return self.path
        copy = self.path.with_name(f"{self.path.stem}{name}.duckdb")
        shutil.copyfile(self.path, copy)
        return copy


class PostgresWarehouse:
    engine = "postgres"

    def __init__(self, server, database: str, work: Path):
        self.server, self.database, self.work = server, database, work
        server.create_database(database)
        self.env = server.environment(database)

    def load(self, table: pa.Table, create: bool, relation: str = RAW_RELATION):
        schema = relation.split(".")[0]
        con = self.server.connect(self.database)
        con.autocommit = True
        with con.cursor() as cur:
            if create:
                cur.execute(f"create schema if not exists {schema}")
                cur.execute(f"create table {relation} (" + ", ".join(f"{n} text" for n in table.column_names) + ")")
            buffer = io.BytesIO()
            pacsv.write_csv(table.cast(pa.schema([(n, pa.string()) for n in table.column_names])), buffer)
            buffer.seek(0)
            cur.copy_expert(f"copy {relation} from stdin with (format csv, header true)", buffer)
        con.close()

    def run(self, args, dbt_vars, target_path, project_dir=PROJECT_DIR):
        with environment(self.env):
            configure_environment()
            return run_build(args, dbt_vars, target_path, project_dir)

    def query(self, sql):
        con = self.server.connect(self.database)
        with con.cursor() as cur:
            cur.execute(f"set search_path to {self.env['MC_PG_SCHEMA']}")
            cur.execute(sql)
            rows = cur.fetchall()
        con.close()
        return rows

    def one(self, sql):
        return self.query(sql)[0][0]

    def snapshot(self, name: str = "") -> Path:
        path = self.work / f"{self.database}{name}.duckdb"
        path.unlink(missing_ok=True)
        con = self.server.connect(self.database)
        copy_schema_to_duckdb(con, self.env["MC_PG_SCHEMA"], path)
        con.close()
        return path


def frame(database: Path, relation: str) -> pd.DataFrame:
    """A relation's rows in a canonical order, without `processed_at` (when a row was written)."""
    with duckdb.connect(str(database), read_only=True) as con:
        result = con.sql(f"select * from main.{relation}").df()
    result = result.drop(columns=[c for c in ["processed_at"] if c in result.columns])
    return result.sort_values(list(result.columns)).reset_index(drop=True)


def assert_relations_equal(left: Path, right: Path, relations: list[str], allow_empty=()) -> None:
    """Every relation has the same rows in both databases (floating-point aggregates may differ in
    the last bits with the order rows are summed in; everything else must be exactly equal)."""
    for relation in relations:
        a, b = frame(left, relation), frame(right, relation)
        assert len(a) == len(b), f"{relation}: {len(a)} rows against {len(b)}"
        assert len(a) > 0 or relation in allow_empty, f"{relation} is empty"
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, obj=relation)
