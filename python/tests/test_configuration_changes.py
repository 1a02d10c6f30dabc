"""A changed configuration never leaves stale rows: after a plain (incremental) run, every public
mart and incremental model equals a full refresh with the same configuration, on DuckDB and
Postgres; and each configuration seed and each setting rebuilds exactly the incremental models
whose results depend on it.

Expected rebuild sets, worked out from what each model reads (docs/incremental_state.md):
- staging and sessionization settings, channel and referrer rules, the raw relation: every
  incremental model (the sessionized events change, and everything reads them);
- goals: goal completions, sessions (they count goals) and both funnel models (steps are goals);
- funnels, funnel steps, funnel exclusions: the two funnel models;
- intents and engagement settings: fct_sessions only;
- settings read only by tables rebuilt on every run, and visitor segments: none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pytest
from warehouses import INCREMENTAL_INTERMEDIATES, DuckDBWarehouse, PostgresWarehouse, assert_relations_equal

from micro_conversions.dbt_runner import copy_project
from micro_conversions.generate import Params, generate
from micro_conversions.gx_audit import build_specs

ALL = {
    "int_events_sessionized",
    "int_sessions_aggregated",
    "fct_goal_completions",
    "fct_sessions",
    "int_funnel_events_ordered",
    "int_funnel_attempts",
}
GOALS = {"fct_goal_completions", "fct_sessions", "int_funnel_events_ordered", "int_funnel_attempts"}
FUNNELS = {"int_funnel_events_ordered", "int_funnel_attempts"}
SESSIONS_ONLY = {"fct_sessions"}

RELATION = "business.raw_events"
SECOND_RELATION = "elsewhere.raw_events"
BUILD = ["build", "--resource-type", "seed", "--resource-type", "model"]


def edit_seed(project: Path, name: str, change) -> None:
    path = project / "seeds" / f"{name}.csv"
    path.write_text(change(path.read_text()))


def append(row):
    return lambda text: text.rstrip("\n") + "\n" + row + "\n"


def replace(old, new):
    def change(text):
        assert old in text, old
        return text.replace(old, new)

    return change


@dataclass
class Step:
    """One configuration change, applied on top of the previous ones."""

    name: str
    rebuilt: set
    seeds: dict = field(default_factory=dict)  # seed name -> text change
    settings: dict = field(default_factory=dict)


STEPS = [
    # The first case: a new destination goal matching the home page.
    Step(
        "a new goal",
        GOALS,
        seeds={"goals": append("home_page,Home page,micro,destination,,^/$,,,awareness,")},
    ),
    # The checkout funnel's window from 7 days to 60 s: far fewer actors reach the later steps.
    Step(
        "a funnel window",
        FUNNELS,
        seeds={"funnels": replace("checkout,Checkout,visitor,ordered,604800", "checkout,Checkout,visitor,ordered,60")},
    ),
    Step(
        "the session timeout and the kept query parameters",
        ALL,
        settings={
            "micro_conversions__session_timeout_minutes": 10,
            "micro_conversions__allowed_query_parameters": ["utm_source", "utm_medium"],
        },
    ),
    Step(
        "intent rules and engagement",
        SESSIONS_ONLY,
        seeds={"session_intents": append("window_shopping,5,page_view,^/products/,true")},
        settings={"micro_conversions__engaged_min_seconds": 120, "micro_conversions__default_intent": "wandering"},
    ),
    Step(
        "channel and referrer rules",
        ALL,
        seeds={
            "channel_rules": replace("100,Referral,", "100,Partner Sites,"),
            "referrer_sources": replace(
                "10,(^|\\.)google\\.[a-z.]+$,google,organic", "10,(^|\\.)google\\.[a-z.]+$,gg,search"
            ),
        },
    ),
    # The fourth case: another relation whose rows were loaded before the watermark.
    Step("the raw events relation", ALL, settings={"micro_conversions__raw_events_relation": SECOND_RELATION}),
]


def _events():
    table, _, _ = generate(Params(people=200, seed=5, start="2026-03-01", days=14))
    return table.cast(pa.schema([(f.name, pa.string()) for f in table.schema]))


def _other_events():
    """Other people, loaded a year earlier than the first relation's rows."""
    table, _, _ = generate(Params(people=120, seed=6, start="2025-03-01", days=10))
    return table.cast(pa.schema([(f.name, pa.string()) for f in table.schema]))


def rebuilt_models(warehouse) -> set:
    return {r[0] for r in warehouse.query("select distinct model_name from int_incremental_plan where is_full_rebuild")}


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def changed_builds(request, tmp_path_factory):
    """Both warehouses hold the same raw events. `incremental` is built once, then after each step
    with a plain run; `full` is rebuilt from scratch (--full-refresh) with the same configuration."""
    work = tmp_path_factory.mktemp("configuration")
    project = copy_project(work / "project")
    if request.param == "duckdb":
        incremental = DuckDBWarehouse(work / "incremental.duckdb")
        full = DuckDBWarehouse(work / "full.duckdb")
    else:
        server = request.getfixturevalue("pg_server")
        incremental = PostgresWarehouse(server, "mc_config_incremental", work)
        full = PostgresWarehouse(server, "mc_config_full", work)
    events, other = _events(), _other_events()
    for warehouse in (incremental, full):
        warehouse.load(events, create=True, relation=RELATION)
        warehouse.load(other, create=True, relation=SECOND_RELATION)
    settings = {"micro_conversions__raw_events_relation": RELATION}
    incremental.run(BUILD, settings, work / "target_incremental", project)
    outcomes = []
    for i, step in enumerate(STEPS):
        for name, change in step.seeds.items():
            edit_seed(project, name, change)
        settings = {**settings, **step.settings}
        incremental.run(BUILD, settings, work / "target_incremental", project)
        full.run([*BUILD, "--full-refresh"], settings, work / "target_full", project)
        outcomes.append(
            (step, rebuilt_models(incremental), incremental.snapshot(f"_{i}_inc"), full.snapshot(f"_{i}_full"))
        )
    manifest = json.loads((work / "target_incremental" / "manifest.json").read_text())
    final = (incremental, settings, work / "target_incremental", project)
    return outcomes, [spec.name for spec in build_specs(manifest)], final


@pytest.mark.parametrize("step", STEPS, ids=[s.name for s in STEPS])
def test_each_change_rebuilds_exactly_the_models_that_depend_on_it(changed_builds, step):
    outcomes, _, _ = changed_builds
    (rebuilt,) = [r for s, r, _, _ in outcomes if s is step]
    assert rebuilt == step.rebuilt


@pytest.mark.parametrize("step", STEPS, ids=[s.name for s in STEPS])
def test_after_each_change_every_mart_equals_a_full_refresh(changed_builds, step):
    outcomes, marts, _ = changed_builds
    (incremental, full) = [(i, f) for s, _, i, f in outcomes if s is step][0]
    assert len(marts) >= 16
    assert_relations_equal(incremental, full, [*marts, *INCREMENTAL_INTERMEDIATES])


def test_the_data_tests_hold_after_the_changes(changed_builds):
    _, _, (incremental, settings, target, project) = changed_builds
    incremental.run(["test", "--exclude", "test_type:unit"], settings, target, project)


def test_the_changes_reached_the_marts(changed_builds):
    """Guards against a test that compares two equally stale builds: each change is visible."""
    outcomes, _, _ = changed_builds
    by_name = {s.name: i for s, _, i, _ in outcomes}
    import duckdb

    def one(step, sql):
        with duckdb.connect(str(by_name[step]), read_only=True) as con:
            return con.sql(sql).fetchone()[0]

    assert one("a new goal", "select count(*) from fct_goal_completions where goal_id = 'home_page'") > 0
    assert one("the session timeout and the kept query parameters", "select count(*) from fct_sessions") > one(
        "a new goal", "select count(*) from fct_sessions"
    )
    assert one("intent rules and engagement", "select count(*) from fct_sessions where intent = 'wandering'") > 0
    assert one("channel and referrer rules", "select count(*) from fct_sessions where channel = 'Partner Sites'") > 0
    assert one("the raw events relation", "select min(session_start_at) from fct_sessions").year == 2025
