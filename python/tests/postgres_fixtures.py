"""Postgres fixtures: a throwaway server, the generated events, the whole project built, audited
and published on it (with a read-only BI role), and a DuckDB copy of what was built so the
DuckDB assertions run on it unchanged."""

from __future__ import annotations

import io
import json
import os
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from micro_conversions.pg_server import start_server

BI_ROLE = "bi_reader"
PG_DATABASE = "mc_test"


@contextmanager
def environment(values: dict[str, str]):
    """Sets environment variables for the block, then restores them (DuckDB tests run after)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="session")
def pg_server():
    try:
        server = start_server()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        pytest.skip(
            f"PostgreSQL tests skipped: no server could be started ({error}); "
            "install one with: apt-get install -y postgresql"
        )
    yield server
    server.stop()


@dataclass
class PostgresProject:
    server: object
    env: dict
    outcome: object
    manifest: dict
    as_built_project: object


PG_TO_DUCKDB = {
    "text": "varchar",
    "character varying": "varchar",
    "integer": "integer",
    "bigint": "bigint",
    "double precision": "double",
    "boolean": "boolean",
    "timestamp without time zone": "timestamp",
    "date": "date",
}


def copy_schema_to_duckdb(connection, schema: str, database: Path) -> None:
    """Every table and view of `schema` into DuckDB tables of the same names and types."""
    with connection.cursor() as cur:
        cur.execute(
            "select table_name, column_name, data_type, numeric_precision, numeric_scale "
            "from information_schema.columns where table_schema = %s order by table_name, ordinal_position",
            (schema,),
        )
        columns: dict[str, list] = {}
        for table, column, data_type, precision, scale in cur.fetchall():
            if data_type == "numeric":
                duck = f"decimal({precision}, {scale})" if precision else "double"
            else:
                duck = PG_TO_DUCKDB.get(data_type, "varchar")
            columns.setdefault(table, []).append((column, duck, data_type))
        with duckdb.connect(str(database)) as con:
            for table, cols in columns.items():
                cur.execute(f'select * from "{schema}"."{table}"')
                rows = cur.fetchall()
                ddl = ", ".join(f'"{n}" {d}' for n, d, _ in cols)
                con.execute(f'create table main."{table}" ({ddl})')
                if not rows:
                    continue
                arrays = {}
                for i, (name, _, pg_type) in enumerate(cols):
                    values = [r[i] for r in rows]
                    if pg_type == "numeric":  # Decimal -> text -> the exact decimal type
                        arrays[name] = pa.array([None if v is None else str(v) for v in values], pa.string())
                    else:
                        arrays[name] = pa.array(values)
                con.register("copied", pa.table(arrays))
                select = ", ".join(f'cast("{n}" as {d})' for n, d, _ in cols)
                con.execute(f'insert into main."{table}" select {select} from copied')
                con.unregister("copied")


@pytest.fixture(scope="session")
def postgres_project(pg_server, generated_events, tmp_path_factory) -> PostgresProject:
    """The generated events loaded into Postgres as the business's table, then build -> audit ->
    publish on Postgres (dbt build with every data and unit test), with a read-only BI role."""
    from conftest import BuiltProject

    from micro_conversions.publish import build_audit_publish

    work, table, truth, summary = generated_events
    pg_server.create_database(PG_DATABASE)
    admin = pg_server.connect(PG_DATABASE)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"create role {BI_ROLE} login")
        cur.execute("create schema generated")
        names = table.column_names
        cur.execute("create table generated.raw_events (" + ", ".join(f"{n} text" for n in names) + ")")
        buffer = io.BytesIO()
        pacsv.write_csv(table.cast(pa.schema([(n, pa.string()) for n in names])), buffer)
        buffer.seek(0)
        cur.copy_expert("copy generated.raw_events from stdin with (format csv, header true)", buffer)
    env = pg_server.environment(PG_DATABASE)
    target = tmp_path_factory.mktemp("postgres_target")
    with environment(env):
        outcome = build_audit_publish(
            gx_dir=target / "gx",
            target_path=target / "target",
            dbt_vars={
                "micro_conversions__raw_events_relation": "generated.raw_events",
                "micro_conversions__bi_roles": [BI_ROLE],
            },
            log=lambda *_: None,
        )
    manifest = json.loads((target / "target" / "manifest.json").read_text())
    database = target / "postgres_copy.duckdb"
    copy_schema_to_duckdb(admin, env["MC_PG_SCHEMA"], database)
    admin.close()
    return PostgresProject(
        server=pg_server,
        env=env,
        outcome=outcome,
        manifest=manifest,
        as_built_project=BuiltProject(database=database, truth_sessions=truth, summary=summary),
    )
