"""The semantic layer shipped with the project (models/semantic/): MetricFlow validates it, and
`mf query` gives exactly the marts' numbers on the demo data. Counts are compared as integers;
rates to 1e-12 (MetricFlow and the marts divide the same integers, in different SQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from micro_conversions.dbt_runner import copy_project

BIN = Path(sys.executable).parent


@dataclass
class Work:
    """The demo build's working database, and a copy of the dbt project parsed against it (mf
    reads `target/semantic_manifest.json` of the folder it runs in)."""

    database: Path
    project: Path


def _env(work: Work) -> dict:
    return {
        **os.environ,
        "MC_DUCKDB_PATH": str(work.database),
        "MC_TARGET": "duckdb",
        "DBT_PROFILES_DIR": str(work.project),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def _mf(work: Work, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "mf"), *args], cwd=work.project, env=_env(work), capture_output=True, text=True, timeout=600
    )


def mf_query(work: Work, tmp_path: Path, metrics: list[str], group_by: list[str]) -> pd.DataFrame:
    out = tmp_path / f"{'_'.join(metrics)}.csv"
    done = _mf(work, "query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by), "--csv", str(out))
    assert done.returncode == 0 and out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    return pd.read_csv(out)


def mart(work: Work, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(work.database), read_only=True) as con:
        return con.sql(sql).df()


def assert_same(actual: pd.DataFrame, expected: pd.DataFrame, keys: list[str], counts: list[str], rates: list[str]):
    """Same rows (by `keys`), equal integer counts, rates equal to 1e-12 (both null where the
    denominator is 0)."""
    actual = actual.sort_values(keys).reset_index(drop=True)
    expected = expected.sort_values(keys).reset_index(drop=True)
    assert len(actual) == len(expected) > 0
    for key in keys:
        assert actual[key].astype(str).tolist() == expected[key].astype(str).tolist(), key
    for column in counts:
        assert actual[column].astype("int64").tolist() == expected[column].astype("int64").tolist(), column
    for column in rates:
        a, e = actual[column].astype("float64"), expected[column].astype("float64")
        assert (a.isna() == e.isna()).all(), column
        assert ((a - e).abs()[e.notna()] <= 1e-12).all(), column


@pytest.fixture(scope="module")
def work(demo_publish, tmp_path_factory):
    work = Work(demo_publish[0] / "work.duckdb", copy_project(tmp_path_factory.mktemp("mf") / "project"))
    parsed = subprocess.run(
        [str(BIN / "dbt"), "parse"], cwd=work.project, env=_env(work), capture_output=True, text=True, timeout=600
    )
    assert parsed.returncode == 0, parsed.stdout[-3000:]
    return work


def test_metricflow_validates_the_semantic_layer_against_the_warehouse(work):
    done = _mf(work, "validate-configs")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert "ERRORS: 0" in output and "against data warehouse" in output
    assert "Validation failed" not in output and "ERROR:" not in output


def test_goal_rates_by_day_and_goal_equal_rpt_goal_conversion_daily(work, tmp_path):
    metrics = [
        "session_conversion_rate",
        "converting_sessions",
        "goal_sessions",
        "intent_adjusted_conversion_rate",
        "converting_intent_eligible_sessions",
        "goal_intent_eligible_sessions",
        "visitor_conversion_rate",
        "goal_day_converting_visitors",
        "goal_day_visitors",
    ]
    got = mf_query(work, tmp_path, metrics, ["metric_time__day", "goal"])
    got["session_date"] = pd.to_datetime(got["metric_time__day"]).dt.date.astype(str)
    got = got.rename(columns={"goal": "goal_id"})
    expected = mart(
        work,
        """
        select cast(session_date as varchar) as session_date, goal_id,
               conversion_rate as session_conversion_rate, converting_sessions, sessions as goal_sessions,
               intent_adjusted_conversion_rate, converting_intent_eligible_sessions,
               intent_eligible_sessions as goal_intent_eligible_sessions,
               visitor_conversion_rate, converting_visitors as goal_day_converting_visitors,
               visitors as goal_day_visitors
        from rpt_goal_conversion_daily
        """,
    )
    rates = ["session_conversion_rate", "intent_adjusted_conversion_rate", "visitor_conversion_rate"]
    assert_same(got, expected, ["session_date", "goal_id"], [m for m in metrics if m not in rates], rates)


@pytest.mark.slow
def test_a_weekly_rate_is_the_ratio_of_sums_not_the_mean_of_daily_rates(work, tmp_path):
    got = mf_query(work, tmp_path, ["session_conversion_rate"], ["metric_time__week", "goal"])
    got["week"] = pd.to_datetime(got["metric_time__week"]).dt.date.astype(str)
    expected = mart(
        work,
        """
        select cast(date_trunc('week', session_date) as date)::varchar as week, goal_id as goal,
               sum(converting_sessions) / sum(sessions) as session_conversion_rate,
               avg(conversion_rate) as mean_of_daily_rates
        from rpt_goal_conversion_daily group by all
        """,
    )
    assert_same(got, expected, ["week", "goal"], [], ["session_conversion_rate"])
    # The demo has weeks where the two differ, so the comparison above can tell them apart.
    assert (expected["session_conversion_rate"] - expected["mean_of_daily_rates"]).abs().max() > 1e-4


@pytest.mark.slow
def test_goal_rates_by_channel_and_device_equal_the_channel_device_mart(work, tmp_path):
    got = mf_query(
        work,
        tmp_path,
        ["session_conversion_rate", "converting_sessions", "goal_sessions"],
        ["metric_time__day", "goal", "conversion__channel", "conversion__device_category"],
    )
    got["session_date"] = pd.to_datetime(got["metric_time__day"]).dt.date.astype(str)
    got = got.rename(
        columns={"goal": "goal_id", "conversion__channel": "channel", "conversion__device_category": "device_category"}
    )
    expected = mart(
        work,
        """
        select cast(session_date as varchar) as session_date, goal_id, channel, device_category,
               conversion_rate as session_conversion_rate, converting_sessions, sessions as goal_sessions
        from rpt_goal_conversion_daily_by_channel_device
        """,
    )
    keys = ["session_date", "goal_id", "channel", "device_category"]
    assert_same(got, expected, keys, ["converting_sessions", "goal_sessions"], ["session_conversion_rate"])


@pytest.mark.slow
def test_funnel_step_conversion_by_day_funnel_and_step_equals_rpt_funnel_steps_daily(work, tmp_path):
    got = mf_query(
        work,
        tmp_path,
        ["funnel_conversion_from_previous", "funnel_conversion_from_start", "actors_reached"],
        ["metric_time__day", "funnel_step__funnel_id", "funnel_step__step_number"],
    )
    got["entry_date"] = pd.to_datetime(got["metric_time__day"]).dt.date.astype(str)
    got = got.rename(columns={"funnel_step__funnel_id": "funnel_id", "funnel_step__step_number": "step_number"})
    expected = mart(
        work,
        """
        select cast(entry_date as varchar) as entry_date, funnel_id, step_number, actors_reached,
               conversion_rate_from_previous as funnel_conversion_from_previous,
               conversion_rate_from_start as funnel_conversion_from_start
        from rpt_funnel_steps_daily
        """,
    )
    assert_same(
        got,
        expected,
        ["entry_date", "funnel_id", "step_number"],
        ["actors_reached"],
        ["funnel_conversion_from_previous", "funnel_conversion_from_start"],
    )


@pytest.mark.slow
def test_converted_visitor_rate_by_segment_equals_rpt_conversion_by_segment(work, tmp_path):
    got = mf_query(work, tmp_path, ["converted_visitor_rate", "visitors", "converted_visitors"], ["visitor__segment"])
    got = got.rename(columns={"visitor__segment": "segment"})
    expected = mart(
        work,
        """
        select segment, visitors, converting_visitors as converted_visitors,
               visitor_conversion_rate as converted_visitor_rate
        from rpt_conversion_by_segment where visitors > 0
        """,
    )
    assert_same(got, expected, ["segment"], ["visitors", "converted_visitors"], ["converted_visitor_rate"])


@pytest.mark.slow
def test_revenue_value_and_session_metrics_by_day_equal_sums_of_the_marts(work, tmp_path):
    got = mf_query(
        work,
        tmp_path,
        ["revenue", "micro_conversion_value", "sessions", "engaged_sessions", "engagement_rate", "bounce_rate"],
        ["metric_time__day"],
    )
    got["day"] = pd.to_datetime(got["metric_time__day"]).dt.date.astype(str)
    expected = mart(
        work,
        """
        with value as (
            select session_date,
                   sum(case when goal_kind = 'macro' and not is_experimental then goal_value end) as revenue,
                   sum(case when goal_kind = 'micro' and not is_experimental then goal_value end)
                       as micro_conversion_value
            from rpt_goal_conversion_daily group by all
        ),
        sessions as (
            select cast(session_start_at as date) as session_date, count(*) as sessions,
                   count(*) filter (where is_engaged) as engaged_sessions,
                   count(*) filter (where is_engaged) / count(*) as engagement_rate,
                   count(*) filter (where is_bounce) / count(*) as bounce_rate
            from fct_sessions group by all
        )
        select cast(session_date as varchar) as day, * exclude (session_date)
        from sessions join value using (session_date)
        """,
    )
    assert_same(
        got,
        expected,
        ["day"],
        ["sessions", "engaged_sessions"],
        ["engagement_rate", "bounce_rate", "revenue", "micro_conversion_value"],
    )


def test_conversion_metric_equals_an_independent_count(work, tmp_path):
    """micro_to_macro_within_7_days, over the whole period: visitors with a non-experimental macro
    completion on a day D that has a non-experimental micro completion of theirs on a day in
    (D - 7 days, D], over visitors with a non-experimental micro completion (days, as MetricFlow
    compares the completions' days)."""
    got = mf_query(work, tmp_path, ["micro_to_macro_within_7_days"], [])
    expected = mart(
        work,
        """
        with completions as (
            select visitor_id, goal_kind, cast(first_completed_at as date) as day
            from fct_goal_completions where not is_experimental
        ),
        micro as (select * from completions where goal_kind = 'micro'),
        macro as (select * from completions where goal_kind = 'macro'),
        converted as (
            select distinct macro.visitor_id
            from macro join micro
              on micro.visitor_id = macro.visitor_id
             and micro.day <= macro.day and micro.day > macro.day - interval 7 day
        )
        select (select count(*) from converted) as converted,
               (select count(distinct visitor_id) from micro) as base
        """,
    )
    converted, base = int(expected["converted"][0]), int(expected["base"][0])
    assert 0 < converted < base
    assert abs(float(got["micro_to_macro_within_7_days"][0]) - converted / base) <= 1e-12
