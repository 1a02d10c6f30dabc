"""Guards that keep a wrong number from reaching BI after the first build: settings cannot break
the project's own unit tests, every setting is documented and accounted for in the incremental
state, bad raw relations fail with a message naming the problem, a feed with too many
quarantined rows stops the build, and the working DuckDB file still reads under another name."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from micro_conversions.dbt_runner import (
    PROJECT_DIR,
    close_duckdb_connections,
    configure_environment,
    failures,
    run_dbt,
)
from micro_conversions.publish import parse_vars, shrink_violations

# A value other than the default for every setting (macros/settings.sql).
CHANGED_SETTINGS = {
    "micro_conversions__raw_events_relation": "generated.raw_events",
    "micro_conversions__raw_events_format": "segment",
    "micro_conversions__ga4_revenue_column": "purchase_revenue",
    "micro_conversions__session_timeout_minutes": 7,
    "micro_conversions__split_sessions_at_midnight": True,
    "micro_conversions__session_time_zone": "America/New_York",
    "micro_conversions__split_sessions_on_new_source": True,
    "micro_conversions__use_tracker_session_id": True,
    "micro_conversions__exclude_bot_events": False,
    "micro_conversions__engaged_min_seconds": 600,
    "micro_conversions__engaged_min_page_views": 9,
    "micro_conversions__default_intent": "wandering",
    "micro_conversions__min_event_at": "2026-03-01",
    "micro_conversions__max_future_skew_hours": 1,
    "micro_conversions__staging_lookback_hours": 12,
    "micro_conversions__max_quarantined_share": 0.5,
    "micro_conversions__key_tests_scope": "whole_table",
    "micro_conversions__allowed_query_parameters": ["utm_source"],
    "micro_conversions__internal_hosts": ["partner.example.org"],
    "micro_conversions__bot_user_agent_regex": "mozilla",
    "micro_conversions__lift_min_visitors": 1000,
    "micro_conversions__lift_min_conversions": 1000,
    "micro_conversions__max_goal_paths": 2,
    "micro_conversions__max_goal_path_length": 2,
    "micro_conversions__min_goal_path_visitors": 100,
    "micro_conversions__anomaly_trailing_days": 3,
    "micro_conversions__anomaly_stddevs": 0.5,
    "micro_conversions__anomaly_min_history_days": 1,
    "micro_conversions__anomaly_min_sessions": 1,
    "micro_conversions__bi_roles": [],
    "micro_conversions__attribution_lookback_days": 3,
    "micro_conversions__attribution_half_life_days": 1,
    "micro_conversions__schema": "elsewhere",
    **{
        f"micro_conversions__{name}_relation": f"host_config.{name}"
        for name in [
            "goals",
            "session_intents",
            "funnels",
            "funnel_steps",
            "funnel_exclusions",
            "visitor_segments",
            "channel_rules",
            "referrer_sources",
        ]
    },
}


def macro_text(path: str, macro: str) -> str:
    text = (PROJECT_DIR / path).read_text()
    start = text.index(f"{{% macro {macro}(")
    return text[start : text.index("{%- endmacro %}", start)]


def setting_names() -> set[str]:
    return set(re.findall(r"'(micro_conversions__\w+)':", macro_text("macros/settings.sql", "setting_defaults")))


@pytest.fixture()
def database_copy(duckdb_project, tmp_path) -> Path:
    copy = tmp_path / "copied.duckdb"
    shutil.copyfile(duckdb_project.database, copy)
    configure_environment(copy)
    return copy


def test_every_setting_is_documented_and_accounted_for_in_the_incremental_state():
    names = setting_names()
    assert len(names) >= 24
    assert set(CHANGED_SETTINGS) == names
    readme = (PROJECT_DIR / "README.md").read_text()
    table = readme[readme.index("## Configuration (vars, with defaults)") :]
    table = table[: table.index("\n\n", table.index("| var |"))]
    assert set(re.findall(r"^\| `(micro_conversions__\w+)` \|", table, flags=re.MULTILINE)) == names
    state = (PROJECT_DIR / "macros/incremental/state.sql").read_text()
    with_effect = set(
        re.findall(r"'(micro_conversions__\w+)'", macro_text("macros/incremental/state.sql", "state_inputs"))
    )
    without = set(
        re.findall(
            r"'(micro_conversions__\w+)'", macro_text("macros/incremental/state.sql", "vars_without_incremental_effect")
        )
    )
    as_seeds = set(
        re.findall(
            r"'(micro_conversions__\w+)'", macro_text("macros/incremental/state.sql", "vars_fingerprinted_as_seeds")
        )
    )
    assert with_effect | without | as_seeds == names, "each setting changes an incremental model or is listed as not"
    assert not as_seeds & (with_effect | without)
    assert not with_effect & without
    assert "micro_conversions__split_sessions_at_midnight" in state


@pytest.mark.slow
def test_unit_tests_hold_whatever_the_settings(database_copy, tmp_path):
    result = run_dbt(
        ["test", "--select", "test_type:unit"],
        dbt_vars=CHANGED_SETTINGS,
        target_path=tmp_path / "target",
    )
    close_duckdb_connections()
    assert result.success, failures(result)
    assert len(result.result) >= 20


@pytest.mark.slow
def test_too_many_quarantined_rows_stop_the_build(database_copy, tmp_path, duckdb_project):
    base = {"micro_conversions__raw_events_relation": "generated.raw_events"}
    select = ["test", "--select", "assert_quarantined_share_within_limit", "warn_quarantined_rows_by_reason"]
    passed = run_dbt(select, dbt_vars=base, target_path=tmp_path / "target")
    close_duckdb_connections()
    assert passed.success, failures(passed)
    # The generated events hold a known share of bad rows (a little over 0.1%).
    share = sum(duckdb_project.summary["quarantine_reasons"].values()) / duckdb_project.summary["raw_rows"]
    assert 0.0005 < share < 0.05
    strict = run_dbt(
        select, dbt_vars={**base, "micro_conversions__max_quarantined_share": 0.0005}, target_path=tmp_path / "target"
    )
    close_duckdb_connections()
    failed = failures(strict)
    assert failed["assert_quarantined_share_within_limit"].startswith("fail")
    assert failed["warn_quarantined_rows_by_reason"].startswith("warn")


def test_a_renamed_database_file_still_reads_every_view(duckdb_project, tmp_path):
    renamed = tmp_path / "somewhere_else.duckdb"
    shutil.copyfile(duckdb_project.database, renamed)
    # Every view model of the build, from dbt's manifest: each must be there and read.
    manifest = json.loads((duckdb_project.database.parent / "target" / "manifest.json").read_text())
    view_models = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "view"
    }
    with duckdb.connect(str(renamed), read_only=True) as con:
        views = [r[0] for r in con.sql("select view_name from duckdb_views() where not internal").fetchall()]
        assert view_models and set(views) == view_models
        for view in views:
            con.sql(f"select count(*) from main.{view}").fetchone()


def _minimal_events(tmp_path: Path, columns: list[str]) -> Path:
    """Generated-looking rows with only `columns`, as a CSV file."""
    rows = [
        {
            "event_id": f"e{i}",
            "event_at": f"2026-03-02T10:{i:02d}:00Z",
            "visitor_id": f"v{i % 3}",
            "event_name": "page_view",
            "page_url": f"https://shop.example.com/products/p{i}",
        }
        for i in range(12)
    ]
    table = pa.Table.from_pylist([{c: r[c] for c in columns} for r in rows])
    path = tmp_path / "events.csv"
    pacsv.write_csv(table, path)
    return path


@pytest.mark.slow
def test_optional_raw_columns_may_be_missing(tmp_path):
    """Only the four required columns (and a page URL): no loaded_at, revenue, user_id, referrer,
    user agent or device; the whole project builds. Worked by hand: three visitors, events a
    minute apart within each visitor's hour (v0: e0, e3, e6, e9 three minutes apart), so one
    session each."""
    path = _minimal_events(tmp_path, ["event_id", "event_at", "visitor_id", "event_name", "page_url"])
    configure_environment(tmp_path / "minimal.duckdb")
    result = run_dbt(
        ["build"],
        dbt_vars={"micro_conversions__raw_events_relation": str(path)},
        target_path=tmp_path / "target",
    )
    close_duckdb_connections()
    assert result.success, failures(result)
    with duckdb.connect(str(tmp_path / "minimal.duckdb"), read_only=True) as con:
        assert con.sql("select visitor_id, event_count from fct_sessions order by 1").fetchall() == [
            ("v0", 4),
            ("v1", 4),
            ("v2", 4),
        ]


def test_a_missing_required_column_is_named(tmp_path):
    path = _minimal_events(tmp_path, ["event_id", "event_at", "event_name", "page_url"])
    configure_environment(tmp_path / "missing.duckdb")
    result = run_dbt(
        ["build", "--select", "stg_events_checked", "--exclude", "test_type:unit"],
        dbt_vars={"micro_conversions__raw_events_relation": str(path)},
        target_path=tmp_path / "target",
    )
    close_duckdb_connections()
    message = failures(result)["stg_events_checked"]
    assert "has no column visitor_id" in message
    assert "requires event_id, event_at, visitor_id and event_name" in message


def test_publish_takes_vars_as_dbt_does():
    readme = (PROJECT_DIR / "README.md").read_text()
    examples = re.findall(r"mc-publish --vars '(.*?)'", readme)
    assert len(examples) >= 2
    parsed = [parse_vars(example) for example in examples]
    assert {"micro_conversions__bi_roles": ["bi_reader"]} in parsed
    assert {"micro_conversions__session_timeout_minutes": 45} in parsed
    assert parse_vars(json.dumps({"a": 1})) == {"a": 1}
    assert parse_vars("") is None
    with pytest.raises(SystemExit, match="must be a mapping"):
        parse_vars("[1, 2]")
    with pytest.raises(SystemExit, match="not valid YAML"):
        parse_vars("{a: [")


def test_shrinking_marts_are_named():
    previous = {"fct_sessions": 1000, "rpt_funnel_steps": 13, "dim_goals": 14, "new_mart": 0}
    current = {"fct_sessions": 400, "rpt_funnel_steps": 0, "dim_goals": 14, "new_mart": 0, "brand_new": 0}
    assert shrink_violations(previous, current, max_shrink=0.5) == [
        "fct_sessions: 1000 rows at the last publish, now 400 (-60%, more than the 50% allowed)",
        "rpt_funnel_steps: 13 rows at the last publish, now empty",
    ]
    # Exactly at the limit is allowed; growing is always allowed; no history, nothing to compare.
    assert shrink_violations({"a": 10}, {"a": 5}, max_shrink=0.5) == []
    assert shrink_violations({"a": 10}, {"a": 50}, max_shrink=0.0) == []
    assert shrink_violations({}, {"a": 0}, max_shrink=0.5) == []


@pytest.mark.slow
def test_the_version_has_one_source():
    """dbt_project.yml holds the version; the Python package and its CLIs report the same one."""
    import subprocess
    import sys

    import yaml

    import micro_conversions

    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["version"]
    assert micro_conversions.__version__ == project
    assert "version" not in tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]
    for module in ["generate", "publish", "report", "funnel_columns"]:
        shown = subprocess.run(
            [sys.executable, "-m", f"micro_conversions.{module}", "--version"], capture_output=True, text=True
        )
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.strip().endswith(" " + project), shown.stdout


@pytest.mark.slow
def test_a_goal_nothing_reaches_is_named(database_copy, tmp_path):
    """`Add To Cart` typed as the tracker never sends it (`add to cart`): the warn-level test names
    it; before the change every non-experimental goal is reached in the generated events."""
    from micro_conversions.dbt_runner import copy_project

    project = copy_project(tmp_path / "project")
    settings = {"micro_conversions__raw_events_relation": "generated.raw_events"}
    select = ["test", "--select", "warn_goals_never_reached"]
    before = run_dbt(select, dbt_vars=settings, project_dir=project, target_path=tmp_path / "target")
    close_duckdb_connections()
    # the on-run-end hook that records passed key tests is a result too: read the test's own
    assert [str(r.status) for r in before.result if r.node.resource_type == "test"] == ["pass"]
    goals = project / "seeds" / "goals.csv"
    goals.write_text(goals.read_text() + "cart_typo,Add To Cart,micro,event,add to cart,,,,intent,\n")
    run_dbt(["seed", "--select", "goals"], dbt_vars=settings, project_dir=project, target_path=tmp_path / "target")
    after = run_dbt(select, dbt_vars=settings, project_dir=project, target_path=tmp_path / "target")
    close_duckdb_connections()
    [result] = [r for r in after.result if r.node.resource_type == "test"]
    assert str(result.status) == "warn" and result.failures == 1
