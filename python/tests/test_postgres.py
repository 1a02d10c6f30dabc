"""Postgres, against a real server: the whole project builds there (every data and unit test, in
the `postgres_project` fixture), the truth assertions run on it (the `built_project` fixture has a
Postgres variant), its marts equal DuckDB's, the published schema is what a BI role can read, and
that role can read nothing else and write nowhere."""

from __future__ import annotations

import pandas as pd
import psycopg2
import pytest
from postgres_fixtures import BI_ROLE, PG_DATABASE

from micro_conversions.gx_audit import build_specs

# Slow tier (the project built on a Postgres server, about 1.5 min): CI's `make test` runs it, as
# does `make test-all`; the default tier stays on DuckDB.
pytestmark = pytest.mark.slow


def _frame(project, relation):
    with project.connect() as con:
        frame = con.sql(f"select * from main.{relation}").df()
    frame = frame.drop(columns=[c for c in ["processed_at"] if c in frame.columns])
    for column in frame.columns:  # decimals compare as numbers
        if str(frame[column].dtype) == "object" and frame[column].map(lambda v: type(v).__name__ == "Decimal").any():
            frame[column] = frame[column].astype("float64")
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_postgres_marts_equal_duckdb_marts(postgres_project, duckdb_project):
    marts = [spec.name for spec in build_specs(postgres_project.manifest)]
    assert len(marts) >= 16
    for relation in [*marts, "stg_events", "stg_events_quarantine", "int_events_sessionized", "int_funnel_attempts"]:
        a = _frame(duckdb_project, relation)
        b = _frame(postgres_project.as_built_project, relation)
        assert len(a) == len(b) > 0, relation
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, check_dtype=False, obj=relation)


def _bi_connection(project):
    return psycopg2.connect(host=project.server.host, port=project.server.port, user=BI_ROLE, dbname=PG_DATABASE)


def test_publish_on_postgres_records_the_run(postgres_project):
    admin = postgres_project.server.connect(PG_DATABASE)
    with admin.cursor() as cur:
        cur.execute("select run_id, mart, row_count from micro_conversions_published.publish_audit")
        rows = cur.fetchall()
        cur.execute("select count(*) from micro_conversions_published.fct_sessions")
        sessions = cur.fetchone()[0]
    admin.close()
    assert {r[0] for r in rows} == {postgres_project.outcome.run_id}
    assert {r[1]: r[2] for r in rows} == postgres_project.outcome.row_counts
    assert sessions == postgres_project.outcome.row_counts["fct_sessions"] > 0


def test_bi_role_reads_every_published_mart(postgres_project):
    marts = [spec.name for spec in build_specs(postgres_project.manifest)]
    con = _bi_connection(postgres_project)
    with con.cursor() as cur:
        for mart in [*marts, "publish_audit"]:
            cur.execute(f"select count(*) from micro_conversions_published.{mart}")
            assert cur.fetchone()[0] >= 0
    con.close()


@pytest.mark.parametrize(
    "relation",
    [
        "micro_conversions.stg_events",  # personal data: page URLs, user agents
        "micro_conversions.stg_events_quarantine",
        "micro_conversions.stg_events_checked",
        "micro_conversions.int_events_sessionized",
        "micro_conversions.fct_sessions",  # unpublished (possibly unaudited) build output
        "generated.raw_events",
    ],
)
def test_bi_role_cannot_read_staging_quarantine_or_raw(postgres_project, relation):
    con = _bi_connection(postgres_project)
    with con.cursor() as cur, pytest.raises(psycopg2.errors.InsufficientPrivilege):
        cur.execute(f"select count(*) from {relation}")
    con.close()


@pytest.mark.parametrize(
    "statement",
    [
        "insert into micro_conversions_published.dim_goals (goal_id, goal_kind, goal_type, is_experimental) "
        "values ('x', 'micro', 'event', false)",
        "update micro_conversions_published.fct_sessions set page_views = 0",
        "delete from micro_conversions_published.publish_audit",
        "truncate micro_conversions_published.rpt_funnel_steps",
        "drop table micro_conversions_published.dim_visitors",
        "create table micro_conversions_published.mine (x int)",
        "create table public.mine (x int)",
        "create schema mine",
        "create table micro_conversions.mine (x int)",
    ],
)
def test_bi_role_cannot_write_anywhere(postgres_project, statement):
    con = _bi_connection(postgres_project)
    with con.cursor() as cur, pytest.raises((psycopg2.errors.InsufficientPrivilege, psycopg2.errors.InvalidSchemaName)):
        cur.execute(statement)
    con.close()


@pytest.mark.slow
def test_an_invalid_regex_is_named_on_postgres(pg_server, tmp_path):
    """Postgres tests each pattern through a small function that catches the compile error, so
    the message names the row and quotes the pattern, as on DuckDB."""
    from postgres_fixtures import environment

    from micro_conversions.dbt_runner import configure_environment, copy_project, failures, run_dbt

    project = copy_project(tmp_path / "project")
    goals = project / "seeds" / "goals.csv"
    goals.write_text(goals.read_text() + "broken,Broken,micro,destination,page_view,^/(pricing,,1,consideration,\n")
    pg_server.create_database("mc_regex")
    with environment(pg_server.environment("mc_regex")):
        configure_environment()
        result = run_dbt(["build", "--select", "goals"], project_dir=project, target_path=tmp_path / "target")
    [message] = [m for name, m in failures(result).items() if name.startswith("regexes_compile_goals")]
    assert "goals row with goal_id = broken: page_path_regex '^/(pricing' is not a valid regular expression" in message
