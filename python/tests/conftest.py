"""One dbt build on generated events per engine, shared by the tests that read the marts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from micro_conversions.dbt_runner import close_duckdb_connections, configure_environment, run_dbt
from micro_conversions.generate import Params, generate

GENERATED_PARAMS = Params(people=1500, seed=11, start="2026-05-04", days=35)


@dataclass
class BuiltProject:
    database: Path
    truth_sessions: object  # pyarrow.Table
    summary: dict

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.database), read_only=True)


def _generated_events(tmp_path_factory):
    work = tmp_path_factory.mktemp("generated")
    table, truth, summary = generate(GENERATED_PARAMS)
    pq.write_table(table, work / "events.parquet")
    (work / "truth.json").write_text(json.dumps(summary, indent=2))
    return work, table, truth, summary


@pytest.fixture(scope="session")
def generated_events(tmp_path_factory):
    return _generated_events(tmp_path_factory)


@pytest.fixture(scope="session")
def duckdb_project(generated_events) -> BuiltProject:
    """Generates events with a known truth, loads them as the business's own table
    (schema `generated`), and runs `dbt build` on them in-process."""
    work, _, truth, summary = generated_events
    database = work / "test.duckdb"
    con = duckdb.connect(str(database))
    con.execute("create schema generated")
    con.execute(f"create table generated.raw_events as select * from read_parquet('{work / 'events.parquet'}')")
    con.close()

    configure_environment(database)
    result = run_dbt(
        ["build"],
        dbt_vars={"micro_conversions__raw_events_relation": "generated.raw_events"},
        target_path=work / "target",
    )
    close_duckdb_connections()
    failed = [
        f"{r.node.name}: {r.status} {str(r.message)[:300]}"
        for r in (result.result or [])
        if str(r.status) not in ("success", "pass", "skipped")
    ]
    assert result.success, f"dbt build failed on generated events: {result.exception} {failed}"
    return BuiltProject(database=database, truth_sessions=truth, summary=summary)


@pytest.fixture(scope="session")
def demo_publish(tmp_path_factory):
    """`mc-publish` of the demo seeds (build, audit, publish) into a temporary folder: the working
    database `work.duckdb`, the published file `published/marts.duckdb`, dbt's `target/`. Shared by
    the publish, semantic-layer and report tests; none of them writes to it."""
    from micro_conversions.publish import build_audit_publish

    work = tmp_path_factory.mktemp("publish")
    outcome = build_audit_publish(
        work_db=work / "work.duckdb",
        destination=work / "published" / "marts.duckdb",
        gx_dir=work / "gx",
        target_path=work / "target",
        log=lambda *_: None,
    )
    return work, outcome


# The Postgres variant is in the slow tier with the rest of the Postgres tests (test_postgres.py).
@pytest.fixture(scope="session", params=["duckdb", pytest.param("postgres", marks=pytest.mark.slow)])
def built_project(request) -> BuiltProject:
    """The generated events built on each engine: the same assertions run on both. The
    Postgres build is copied into a DuckDB file so the tests read both the same way."""
    if request.param == "duckdb":
        return request.getfixturevalue("duckdb_project")
    return request.getfixturevalue("postgres_project").as_built_project


from postgres_fixtures import pg_server, postgres_project  # noqa: E402, F401
