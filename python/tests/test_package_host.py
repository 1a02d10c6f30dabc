"""The package inside a host project: `integration_tests/` (a shop's own dbt project) installs
this repository as a local package, brings its own events and configuration under its own names,
overrides the bot rule, and builds everything, unit tests included."""

from __future__ import annotations

import csv
import os
import re
import shutil

import duckdb
import pytest

from micro_conversions.dbt_runner import PROJECT_DIR, configure_environment, failures, run_dbt

HOST_DIR = PROJECT_DIR / "integration_tests"
PACKAGE_SCHEMA = "main_micro_conversions"  # <target schema>_<micro_conversions__schema>

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def host_build(tmp_path_factory):
    work = tmp_path_factory.mktemp("host")
    host = work / "shop_analytics"
    shutil.copytree(HOST_DIR, host, ignore=shutil.ignore_patterns("dbt_packages", "target", "logs", "build"))
    # The example points at the repository by a relative path; the copy points at it absolutely.
    (host / "packages.yml").write_text(f"packages:\n  - local: {PROJECT_DIR}\n")
    database = work / "shop.duckdb"
    configure_environment()
    os.environ["SHOP_DUCKDB_PATH"] = str(database)
    deps = run_dbt(["deps"], project_dir=host, profiles_dir=host)
    assert deps.success, f"dbt deps failed: {deps.exception}"
    result = run_dbt(["build"], project_dir=host, profiles_dir=host, target_path=work / "target")
    return host, database, result


def _query(database, sql):
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_host_builds_everything_unit_tests_included(host_build):
    _, _, result = host_build
    assert result.success, f"host build failed: {result.exception} {failures(result)}"
    kinds = {}
    for r in result.result:
        kinds.setdefault(r.node.resource_type, []).append(str(r.status))
    # Every unit test of the package runs and passes although the host overrides is_bot.
    package_unit_tests = list((PROJECT_DIR / "models").rglob("*.yml"))
    declared = sum(len(re.findall(r"^\s*- name: \w+\n\s+model: ", p.read_text(), re.M)) for p in package_unit_tests)
    assert declared > 0
    assert kinds["unit_test"].count("pass") == declared
    assert all(status in ("success", "pass") for status in kinds["model"] + kinds["seed"] + kinds["test"])


def test_the_package_lands_in_its_own_schema_and_the_demo_data_stays_out(host_build):
    _, database, _ = host_build
    tables = {
        (schema, name)
        for schema, name in _query(database, "select table_schema, table_name from information_schema.tables")
    }
    names_in = {schema: {n for s, n in tables if s == schema} for schema, _ in tables}
    # The marts keep their names, in the package's schema; the host's own nodes stay in `main`.
    assert {"fct_sessions", "fct_goal_completions", "rpt_funnel_steps", "dim_goals"} <= names_in[PACKAGE_SCHEMA]
    assert {"web_events", "shop_goals", "shop_purchases_by_channel"} <= names_in["main"]
    assert not names_in["main"] & {"fct_sessions", "goals", "stg_events"}
    # The 22k-row demo events are not loaded: the host reads its own.
    assert not any(name == "raw_events" for _, name in tables)


def test_the_host_configuration_is_the_one_used(host_build):
    host, database, _ = host_build
    with open(host / "seeds" / "shop_goals.csv", newline="") as f:
        host_goals = {row["goal_id"] for row in csv.DictReader(f)}
    goals = {g for (g,) in _query(database, f"select goal_id from {PACKAGE_SCHEMA}.dim_goals")}
    assert goals == host_goals
    funnels = {f for (f,) in _query(database, f"select distinct funnel_id from {PACKAGE_SCHEMA}.rpt_funnel_steps")}
    assert funnels == {"basket_to_order"}

    # The host's session timeout (45 minutes) reaches the sessions: counted independently from
    # the staged non-bot events (a new session at a visitor's first event and after a gap of
    # more than 45 minutes), and it differs from what the package's default 30 would give.
    def sessions_with_timeout(minutes):
        return _query(
            database,
            f"""
            select count(*) filter (where previous is null or event_at - previous > interval {minutes} minute)
            from (
                select event_at, lag(event_at) over (partition by visitor_id order by event_at, event_id) as previous
                from {PACKAGE_SCHEMA}.stg_events where not is_bot
            )""",
        )[0][0]

    (sessions,) = _query(database, f"select count(*) from {PACKAGE_SCHEMA}.fct_sessions")[0]
    assert sessions == sessions_with_timeout(45)
    # `slow-reader` (seeds/web_events.csv) reads two posts 40 minutes apart: one session at 45.
    assert sessions_with_timeout(45) == sessions_with_timeout(30) - 1
    assert _query(database, f"select count(*) from {PACKAGE_SCHEMA}.fct_sessions where visitor_id = 'slow-reader'") == [
        (1,)
    ]


def test_the_host_rule_override_applies(host_build):
    _, database, _ = host_build
    # The host's is_bot: no user agent is a bot; the package's default treats it as a person.
    rows = _query(
        database,
        f"select distinct is_bot from {PACKAGE_SCHEMA}.stg_events where visitor_id = 'uptime-probe'",
    )
    assert rows == [(True,)]
    (in_sessions,) = _query(
        database, f"select count(*) from {PACKAGE_SCHEMA}.fct_sessions where visitor_id = 'uptime-probe'"
    )[0]
    assert in_sessions == 0


def test_a_host_model_reads_the_marts(host_build):
    _, database, _ = host_build
    by_channel = _query(database, "select sum(sessions), sum(purchasing_sessions) from main.shop_purchases_by_channel")
    sessions = _query(database, f"select count(*) from {PACKAGE_SCHEMA}.fct_sessions")
    purchasing = _query(
        database,
        f"select count(distinct session_id) from {PACKAGE_SCHEMA}.fct_goal_completions where goal_id = 'order'",
    )
    assert by_channel[0][0] == sessions[0][0]
    assert by_channel[0][1] == purchasing[0][0]
