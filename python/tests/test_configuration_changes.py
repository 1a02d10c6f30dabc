"""A changed configuration never leaves stale rows: after a plain (incremental) run, every public
mart and incremental model equals a full refresh with the same configuration, on DuckDB and
Postgres; and each configuration seed and each setting rebuilds exactly the incremental models
whose results depend on it.

Expected rebuild sets, worked out from what each model reads (docs/incremental_state.md):
- staging and sessionization settings, channel and referrer rules, the raw relation: every
  incremental model (the sessionized events change, and everything reads them);
- goals: goal matches and completions, sessions (they count goals), the visitor goal models and
  dim_visitors, both funnel models (steps are goals) and the funnel actors;
- funnels, funnel steps, funnel exclusions: the two funnel models and the funnel actors;
- intents: the intent classification, fct_sessions and what reads it (dim_visitors, the funnel
  actors' entry sessions); engagement settings: fct_sessions and the same two;
- the time zone: the funnel actors (local entry dates), and the sessions when they split at
  local midnight; visitor segments: dim_visitors;
- settings read only by tables rebuilt on every run: none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from warehouses import INCREMENTAL_INTERMEDIATES, DuckDBWarehouse, PostgresWarehouse, assert_relations_equal

from micro_conversions.dbt_runner import copy_project
from micro_conversions.generate import Params, generate
from micro_conversions.gx_audit import build_specs

# The models each kind of change rebuilds: raw-row settings everything from staging on; URL,
# traffic-source and bot settings everything from stg_events on; session settings the rest.
# The daily goal reports (incremental by session date) follow fct_sessions and the goals.
DAILY_REPORTS = {"rpt_goal_conversion_daily", "rpt_goal_conversion_daily_by_channel_device"}
SESSIONS_AND_AFTER = DAILY_REPORTS | {
    "int_events_sessionized",
    "int_sessions_aggregated",
    "int_sessions_intent_classified",
    "int_goal_events_matched",
    "int_goal_completions",
    "fct_sessions",
    "int_funnel_events_ordered",
    "int_funnel_attempts",
    "int_visitor_goals_aggregated",
    "dim_visitors",
    "fct_funnel_actors",
}
STAGED_AND_AFTER = {"stg_events"} | SESSIONS_AND_AFTER
ALL = {"stg_events_checked"} | STAGED_AND_AFTER
GOALS = DAILY_REPORTS | {
    "int_goal_events_matched",
    "int_goal_completions",
    "fct_sessions",
    "int_funnel_events_ordered",
    "int_funnel_attempts",
    "int_visitor_goals_aggregated",
    "dim_visitors",
    "fct_funnel_actors",
}
FUNNELS = {"int_funnel_events_ordered", "int_funnel_attempts", "fct_funnel_actors"}
# fct_funnel_actors reads each actor's entry session from fct_sessions, so it follows it.
ENGAGEMENT = DAILY_REPORTS | {"fct_sessions", "dim_visitors", "fct_funnel_actors"}
INTENTS = DAILY_REPORTS | {"int_sessions_intent_classified", "fct_sessions", "dim_visitors", "fct_funnel_actors"}
SEGMENTS = {"dim_visitors"}

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


# Every configuration seed and every setting that changes an incremental model is changed in one
# of the steps (several in one step where they rebuild the same models).
STEPS = [
    # The first case: a new destination goal matching the home page.
    Step(
        "a new goal",
        GOALS,
        seeds={"goals": append("home_page,Home page,micro,destination,,^/$,,,awareness,")},
    ),
    # The checkout funnel's window from 7 days to 60 s: far fewer actors reach the later steps;
    # a step renamed and an exclusion that now starts after step 1.
    Step(
        "funnels, steps and exclusions",
        FUNNELS,
        seeds={
            "funnels": replace("checkout,Checkout,visitor,ordered,604800", "checkout,Checkout,visitor,ordered,60"),
            "funnel_steps": replace("checkout,2,Added to cart,add_to_cart", "checkout,2,Cart,add_to_cart"),
            "funnel_exclusions": replace("checkout,contact_form,2,4", "checkout,contact_form,1,4"),
        },
    ),
    Step(
        "sessionization and staging settings",
        ALL,
        settings={
            "micro_conversions__session_timeout_minutes": 10,
            "micro_conversions__split_sessions_at_midnight": True,
            "micro_conversions__session_time_zone": "Europe/Paris",
            "micro_conversions__split_sessions_on_new_source": True,
            "micro_conversions__exclude_bot_events": False,
            "micro_conversions__allowed_query_parameters": ["utm_source", "utm_medium"],
            "micro_conversions__internal_hosts": ["www.google.com"],
            "micro_conversions__bot_user_agent_regex": "bot|crawl|spider|x11",
            "micro_conversions__min_event_at": "2024-06-01",
            "micro_conversions__max_future_skew_hours": 12,
        },
    ),
    Step(
        "intent rules and engagement",
        INTENTS,
        seeds={"session_intents": append("window_shopping,5,page_view,^/products/,true")},
        settings={
            "micro_conversions__engaged_min_seconds": 120,
            "micro_conversions__engaged_min_page_views": 4,
            "micro_conversions__default_intent": "wandering",
        },
    ),
    Step(
        "channel, referrer and segment rules",
        STAGED_AND_AFTER,
        seeds={
            "channel_rules": replace("100,Referral,", "100,Partner Sites,"),
            "referrer_sources": replace(
                "10,(^|\\.)google\\.[a-z.]+$,google,organic", "10,(^|\\.)google\\.[a-z.]+$,gg,search"
            ),
            "visitor_segments": replace("Reached a macro goal", "Bought something"),
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


# Slow tier (two builds per change per engine): `make test` in CI, `make test-all`. The plan-level
# tests below (every input on its own) stay in the default tier.
@pytest.fixture(
    scope="module",
    params=[pytest.param("duckdb", marks=pytest.mark.slow), pytest.param("postgres", marks=pytest.mark.slow)],
)
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
        # Seeds are reloaded in place, then every model rebuilt from scratch. (`--full-refresh` on
        # seeds drops them with their dependent views; on Postgres two such drops in parallel
        # threads can deadlock on a view both seeds feed.)
        full.run(["seed"], settings, work / "target_full", project)
        full.run(["run", "--full-refresh"], settings, work / "target_full", project)
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

    def one(step, sql):
        with duckdb.connect(str(by_name[step]), read_only=True) as con:
            return con.sql(sql).fetchone()[0]

    assert one("a new goal", "select count(*) from fct_goal_completions where goal_id = 'home_page'") > 0
    assert one("sessionization and staging settings", "select count(*) from fct_sessions") > one(
        "a new goal", "select count(*) from fct_sessions"
    )
    assert one("intent rules and engagement", "select count(*) from fct_sessions where intent = 'wandering'") > 0
    assert (
        one("channel, referrer and segment rules", "select count(*) from fct_sessions where channel = 'Partner Sites'")
        > 0
    )
    assert one("the raw events relation", "select min(session_start_at) from fct_sessions").year == 2025


# Every input on its own: the models the plan rebuilds when only that input changes, on the
# generated build (DuckDB). Settings read only by tables and views rebuilt on every run rebuild nothing.
SETTING_REBUILDS = {
    "micro_conversions__raw_events_relation": ("generated.other_events", ALL),
    "micro_conversions__raw_events_format": ("segment", ALL),
    "micro_conversions__ga4_revenue_column": ("purchase_revenue", ALL),
    "micro_conversions__session_timeout_minutes": (45, SESSIONS_AND_AFTER),
    "micro_conversions__split_sessions_at_midnight": (True, SESSIONS_AND_AFTER),
    # The funnel actors' entry dates and the daily reports' session dates are local dates.
    "micro_conversions__session_time_zone": ("Europe/Paris", {"fct_funnel_actors"} | DAILY_REPORTS),
    "micro_conversions__split_sessions_on_new_source": (True, SESSIONS_AND_AFTER),
    "micro_conversions__use_tracker_session_id": (True, SESSIONS_AND_AFTER),
    "micro_conversions__exclude_bot_events": (False, SESSIONS_AND_AFTER),
    "micro_conversions__min_event_at": ("2020-01-01", ALL),
    "micro_conversions__max_future_skew_hours": (48, ALL),
    "micro_conversions__staging_lookback_hours": (6, set()),
    "micro_conversions__allowed_query_parameters": (["utm_source"], STAGED_AND_AFTER),
    "micro_conversions__internal_hosts": (["partner.example.org"], STAGED_AND_AFTER),
    "micro_conversions__bot_user_agent_regex": ("bot|crawl", STAGED_AND_AFTER),
    "micro_conversions__engaged_min_seconds": (30, ENGAGEMENT),
    "micro_conversions__engaged_min_page_views": (3, ENGAGEMENT),
    "micro_conversions__default_intent": ("wandering", INTENTS),
    "micro_conversions__max_quarantined_share": (0.2, set()),
    "micro_conversions__key_tests_scope": ("whole_table", set()),
    "micro_conversions__lift_min_visitors": (10, set()),
    "micro_conversions__lift_min_conversions": (2, set()),
    "micro_conversions__max_goal_paths": (5, set()),
    "micro_conversions__max_goal_path_length": (6, set()),
    "micro_conversions__min_goal_path_visitors": (2, set()),
    "micro_conversions__anomaly_trailing_days": (14, set()),
    "micro_conversions__anomaly_stddevs": (2, set()),
    "micro_conversions__anomaly_min_history_days": (3, set()),
    "micro_conversions__anomaly_min_sessions": (10, set()),
    "micro_conversions__bi_roles": (["reader"], set()),
    "micro_conversions__attribution_lookback_days": (14, set()),
    "micro_conversions__attribution_half_life_days": (3, set()),
}
SEED_REBUILDS = {
    "goals": (append("home_page,Home page,micro,destination,,^/$,,,awareness,"), GOALS),
    "session_intents": (append("window_shopping,5,page_view,^/products/,true"), INTENTS),
    "funnels": (replace(",604800", ",3600"), FUNNELS),
    "funnel_steps": (replace("checkout,2,Added to cart,add_to_cart", "checkout,2,Cart,add_to_cart"), FUNNELS),
    "funnel_exclusions": (replace("checkout,contact_form,2,4", "checkout,contact_form,1,4"), FUNNELS),
    "channel_rules": (replace("100,Referral,", "100,Partner Sites,"), STAGED_AND_AFTER),
    "referrer_sources": (
        replace("11,(^|\\.)bing\\.com$,bing,organic", "11,(^|\\.)bing\\.com$,msn,organic"),
        STAGED_AND_AFTER,
    ),
    "visitor_segments": (replace("Reached a macro goal", "Bought something"), SEGMENTS),
}


@pytest.fixture(scope="module")
def planner(duckdb_project, tmp_path_factory):
    """Plans on a copy of the generated build with one parsed manifest (settings apply when the
    plan runs, so no parse per change): `plan(settings)` -> the models rebuilt in full."""
    import shutil

    from dbt.cli.main import dbtRunner

    from micro_conversions.dbt_runner import close_duckdb_connections, configure_environment, failures

    work = tmp_path_factory.mktemp("planner")
    project = copy_project(work / "project")
    database = work / "planned.duckdb"
    shutil.copyfile(duckdb_project.database, database)
    configure_environment(database)
    base = {"micro_conversions__raw_events_relation": "generated.raw_events"}
    common = ["--project-dir", str(project), "--target-path", str(work / "target")]
    parsed = dbtRunner().invoke(["parse", *common, "--vars", json.dumps(base)])
    runner = dbtRunner(manifest=parsed.result)
    warehouse = DuckDBWarehouse(database)

    def invoke(args, settings):
        result = runner.invoke([*args, *common, "--vars", json.dumps({**base, **settings})])
        close_duckdb_connections()
        assert result.success, failures(result)

    def plan(settings=None, seed=None):
        if seed:
            invoke(["seed", "--select", seed], {})
        invoke(["run", "--select", "int_incremental_plan"], settings or {})
        return rebuilt_models(warehouse)

    def show(sql):
        """The rows of an inline query, rendered with the project's macros (no model built)."""
        result = runner.invoke(["show", "--inline", sql, "--limit", "-1", *common, "--vars", json.dumps(base)])
        close_duckdb_connections()
        assert result.success, failures(result)
        return {tuple(row) for row in result.result.results[0].agate_table.rows}

    return project, plan, show


def test_an_unchanged_configuration_rebuilds_nothing(planner):
    _, plan, _ = planner
    assert plan() == set()


@pytest.mark.parametrize("name", sorted(SETTING_REBUILDS))
def test_each_setting_rebuilds_exactly_its_models(planner, name):
    _, plan, _ = planner
    value, expected = SETTING_REBUILDS[name]
    assert plan({name: value}) == expected


def test_the_time_zone_rebuilds_sessions_when_they_split_at_midnight(planner):
    _, plan, _ = planner
    midnight = {"micro_conversions__split_sessions_at_midnight": True}
    assert plan({**midnight, "micro_conversions__session_time_zone": "Europe/Paris"}) == SESSIONS_AND_AFTER


@pytest.mark.parametrize(
    "name",
    # goals in the default tier; every other seed in the slow tier (each is a full dbt invocation).
    [name if name == "goals" else pytest.param(name, marks=pytest.mark.slow) for name in sorted(SEED_REBUILDS)],
)
def test_each_configuration_seed_rebuilds_exactly_its_models(planner, name):
    project, plan, _ = planner
    change, expected = SEED_REBUILDS[name]
    path = project / "seeds" / f"{name}.csv"
    original = path.read_text()
    try:
        path.write_text(change(original))
        assert path.read_text() != original
        assert plan(seed=name) == expected
    finally:
        path.write_text(original)
        plan(seed=name)


def test_the_recorded_state_equals_each_models_inputs_worked_out_alone(planner, duckdb_project):
    """A build records each model's inputs from the plan (which works every model's inputs out
    once, sharing the parts models have in common); a model outside such a build works out its
    own from the graph. Both must give the same fingerprints, input by input."""
    _, _, show = planner
    alone = show(
        "{% for name in micro_conversions.stateful_models() %}"
        "{{ micro_conversions.state_components_sql(name) }}{% if not loop.last %} union all {% endif %}"
        "{% endfor %}"
    )
    with duckdb.connect(str(duckdb_project.database), read_only=True) as con:
        recorded = set(con.sql("select model_name, input_name, fingerprint from int_incremental_state").fetchall())
    # The 15 incremental models (fct_goal_completions is a view of int_goal_completions).
    assert len({model for model, _, _ in alone}) == 15
    assert len(alone) > 15 * 5
    assert alone == recorded
