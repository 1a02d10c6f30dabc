"""What a run rebuilds is a model of its own (models/state/int_*_this_run): a run that stopped
part-way is caught up by the next one, and a selection that leaves the this-run model out rebuilds
the model in full instead of trusting a stale list. On DuckDB (the SQL is the same on Postgres,
where test_incremental_equals_full_refresh covers the ordinary runs).

Two batches of generated events (split by `loaded_at`):
1. a full build on the first batch;
2. the second batch is loaded and only `+int_events_sessionized` runs: the sessionized events hold
   the new visitors' rows, every model downstream still has the first batch's (a run that stopped
   part-way);
3. a plain build: no staged event is new any more, so the visitors to rebuild are exactly those
   whose sessionized rows step 2 wrote, each with the reason `catching up`, and every public mart
   then equals a full refresh on both batches;
4. `dbt build --select fct_sessions`: its this-run model is not built by the invocation, so every
   row of fct_sessions is written again (and it still equals the full refresh);
5. an engagement setting changed (0 s: every session engaged), with the plan in the selection: fct_sessions reads its
   comparison from the plan and is rebuilt in full (every row written); the same selection again
   rewrites only the visitors of its this-run model;
6. the setting back to its default, without the plan: fct_sessions works its inputs out itself and is
   rebuilt in full; again without a change, only the this-run visitors;
7. a plain build: steps 4 to 6 rewrote fct_sessions without the daily goal reports, so the plan
   shows them built before it, every date is counted again (`reports behind`), and every public
   mart equals the full refresh.
"""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from warehouses import INCREMENTAL_INTERMEDIATES, RAW_RELATION, DuckDBWarehouse, assert_relations_equal, two_batches

from micro_conversions.generate import Params
from micro_conversions.gx_audit import build_specs

pytestmark = pytest.mark.slow
SETTINGS = {"micro_conversions__raw_events_relation": RAW_RELATION}
EXCLUDE_UNIT = ["--exclude", "test_type:unit"]
LAST_WRITE = "processed_at = (select max(processed_at) from {table})"


def _batches():
    return two_batches(Params(people=150, seed=5, start="2026-04-01", days=14), "2026-04-08")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    work = tmp_path_factory.mktemp("this_run")
    first, second = _batches()
    assert first.num_rows > 0 and second.num_rows > 0
    warehouse, full = DuckDBWarehouse(work / "incremental.duckdb"), DuckDBWarehouse(work / "full.duckdb")
    target = work / "target"

    warehouse.load(first, create=True)
    warehouse.run(["build", *EXCLUDE_UNIT], SETTINGS, target)

    warehouse.load(second, create=False)
    warehouse.run(["run", "--select", "+int_events_sessionized"], SETTINGS, target)
    sessionized = LAST_WRITE.format(table="int_events_sessionized")
    written_part_way = {
        row[0] for row in warehouse.query(f"select distinct visitor_id from int_events_sessionized where {sessionized}")
    }
    sessions_before = warehouse.one("select count(*) from fct_sessions")

    warehouse.run(["build", *EXCLUDE_UNIT], SETTINGS, target)
    caught_up = dict(warehouse.query("select visitor_id, reason from int_visitors_this_run"))
    sessions_after = warehouse.one("select count(*) from fct_sessions")
    after_catching_up = warehouse.snapshot("caught_up")

    warehouse.run(["build", "--select", "fct_sessions", *EXCLUDE_UNIT], SETTINGS, target)
    last_write = LAST_WRITE.format(table="fct_sessions")
    selected_alone = {
        "rows": warehouse.one("select count(*) from fct_sessions"),
        "rewritten": warehouse.one(f"select count(*) from fct_sessions where {last_write}"),
    }
    final = warehouse.snapshot("final")

    def rewritten_after(selection, settings):
        """fct_sessions rows a run of `selection` wrote, those of its this-run visitors, engaged rows."""
        written_before = warehouse.one("select max(processed_at) from fct_sessions")
        warehouse.run(["run", "--select", *selection], {**SETTINGS, **settings}, target)
        return (
            warehouse.one(f"select count(*) from fct_sessions where processed_at > '{written_before}'"),
            warehouse.one(
                "select count(*) from fct_sessions where visitor_id in (select visitor_id from int_visitors_this_run)"
            ),
            warehouse.one("select count(*) from fct_sessions where is_engaged"),
        )

    with_plan = ["int_incremental_plan", "int_visitors_this_run", "fct_sessions"]
    without_plan = ["int_visitors_this_run", "fct_sessions"]
    engaged = "micro_conversions__engaged_min_seconds"
    setting_runs = {
        "engaged before": warehouse.one("select count(*) from fct_sessions where is_engaged"),
        # 0 s engages every session; 10 s is the default again.
        "plan, changed": rewritten_after(with_plan, {engaged: 0}),
        "plan, unchanged": rewritten_after(with_plan, {engaged: 0}),
        "alone, changed": rewritten_after(without_plan, {engaged: 10}),
        "alone, unchanged": rewritten_after(without_plan, {engaged: 10}),
    }

    # Steps 4 to 6 rewrote fct_sessions without the daily goal reports: they are behind, and a
    # plain build counts every date again.
    warehouse.run(["build", *EXCLUDE_UNIT], SETTINGS, target)
    reports_behind = {
        "reasons": {row[0] for row in warehouse.query("select distinct reason from int_session_dates_this_run")},
        "dates": warehouse.one("select count(*) from int_session_dates_this_run"),
        "report_dates": warehouse.one("select count(distinct session_date) from rpt_goal_conversion_daily"),
    }
    after_reports_behind = warehouse.snapshot("reports_behind")

    full.load(pa.concat_tables([first, second]), create=True)
    full.run(["build", "--full-refresh", *EXCLUDE_UNIT], SETTINGS, work / "target_full")
    manifest = json.loads((target / "manifest.json").read_text())
    return {
        "written_part_way": written_part_way,
        "caught_up": caught_up,
        "sessions_before": sessions_before,
        "sessions_after": sessions_after,
        "after_catching_up": after_catching_up,
        "selected_alone": selected_alone,
        "setting_runs": setting_runs,
        "final": final,
        "reports_behind": reports_behind,
        "after_reports_behind": after_reports_behind,
        "full": full.snapshot(),
        "marts": [spec.name for spec in build_specs(manifest)],
    }


def test_a_run_that_stopped_part_way_is_caught_up(runs):
    assert runs["written_part_way"]  # the second batch brought new visitors' events
    assert set(runs["caught_up"]) == runs["written_part_way"]
    assert set(runs["caught_up"].values()) == {"catching up"}
    assert runs["sessions_after"] > runs["sessions_before"]


def test_after_catching_up_every_mart_equals_a_full_refresh(runs):
    assert_relations_equal(runs["after_catching_up"], runs["full"], [*runs["marts"], *INCREMENTAL_INTERMEDIATES])


def test_a_selection_without_the_this_run_model_rebuilds_in_full(runs):
    selected = runs["selected_alone"]
    assert selected["rows"] == runs["sessions_after"]
    assert selected["rewritten"] == selected["rows"]  # every row written by that run
    assert_relations_equal(runs["final"], runs["full"], ["fct_sessions"])


def test_a_model_follows_the_plan_or_works_its_inputs_out_alone(runs):
    """A changed setting rebuilds fct_sessions in full whether it reads the comparison from the
    plan or, without the plan in the selection, works it out itself; unchanged, it rewrites
    only the visitors of its this-run model."""
    setting_runs, rows = runs["setting_runs"], runs["sessions_after"]
    for changed in ("plan, changed", "alone, changed"):
        rewritten, _, _ = setting_runs[changed]
        assert rewritten == rows, changed
    for unchanged in ("plan, unchanged", "alone, unchanged"):
        rewritten, of_this_run_visitors, _ = setting_runs[unchanged]
        assert rewritten == of_this_run_visitors < rows, unchanged
    # The changes reached every row: 0 s engages every session, the default again engages as before.
    before = setting_runs["engaged before"]
    assert setting_runs["plan, changed"][2] == rows > before
    assert setting_runs["alone, changed"][2] == before


def test_reports_behind_the_session_facts_count_every_date_again(runs):
    behind = runs["reports_behind"]
    assert behind["reasons"] == {"reports behind"}
    assert behind["dates"] == behind["report_dates"] > 0
    assert_relations_equal(runs["after_reports_behind"], runs["full"], runs["marts"])
