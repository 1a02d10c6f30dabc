"""A run that stopped part-way through the three funnel models is caught up by the next build,
including a funnel actor that no longer exists (int_funnel_actors_this_run, "left the stream" and
"left the attempts"). On DuckDB.

Planted: a visitor reads a blog post at 10:00 and plays a video at 10:05 (session 1), reads another
post at 11:00 (session 2): two attempts of the session-scoped `content_journey` funnel, one per
session. A late event at 10:30 (second batch) merges the two sessions: session 2's id disappears,
and with it that funnel actor.

Two runs are cut short after the second batch is loaded, each on its own database:
- A: only `+int_funnel_events_ordered` runs. The stream no longer has session 2; its attempt is
  still in `int_funnel_attempts`.
- B: only `+int_funnel_attempts` runs. Stream and attempts no longer have session 2; its row is
  still in `fct_funnel_actors`.
The next plain build must list session 2 to rebuild (it cannot be found from the rewritten events:
the stream already holds them under session 1) and leave every funnel table equal to a full refresh.
Then a build with nothing new compiles no anti-join of whole tables: each runs only when the
upstream model was written after the downstream one's last run.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from warehouses import RAW_RELATION, DuckDBWarehouse, assert_relations_equal

from micro_conversions.generate import Params, generate

pytestmark = pytest.mark.slow
SETTINGS = {"micro_conversions__raw_events_relation": RAW_RELATION}
EXCLUDE_UNIT = ["--exclude", "test_type:unit"]
SITE = "https://shop.example.com"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
LOADED_AT = ["2026-03-07T23:00:00Z", "2026-03-14T23:00:00Z"]
FUNNEL_TABLES = ["int_funnel_events_ordered", "int_funnel_attempts", "fct_funnel_actors", "rpt_funnel_steps"]


def _event(event_id, at, name="page_view", path="/", batch=0):
    return {
        "event_id": event_id,
        "event_at": f"2026-03-05T{at}Z",
        "visitor_id": "leaves",
        "user_id": None,
        "event_name": name,
        "page_url": SITE + path,
        "referrer_url": None,
        "user_agent": UA,
        "device_category": None,
        "revenue": None,
        "loaded_at": LOADED_AT[batch],
    }


PLANTED = [
    _event("l1", "10:00:00", path="/blog/post-02"),
    _event("l2", "10:05:00", name="video_play", path="/blog/post-02"),
    _event("l3", "11:00:00", path="/blog/post-03"),
    _event("l-late", "10:30:00", path="/products/p01", batch=1),
]


def _batches():
    generated, _, _ = generate(Params(people=120, seed=31, start="2026-03-01", days=14))
    generated = generated.cast(pa.schema([(f.name, pa.string()) for f in generated.schema]))
    first = pc.less(pc.fill_null(generated["loaded_at"], ""), "2026-03-08")
    planted = pa.Table.from_pylist(PLANTED, schema=generated.schema)
    late = pc.equal(planted["loaded_at"], LOADED_AT[1])
    return (
        pa.concat_tables([generated.filter(first), planted.filter(pc.invert(late))]),
        pa.concat_tables([generated.filter(pc.invert(first)), planted.filter(late)]),
    )


def _actors(warehouse, table):
    """The actors of the session-scoped funnel in `table`."""
    return {
        row[0] for row in warehouse.query(f"select distinct actor_id from {table} where funnel_id = 'content_journey'")
    }


def _compiled_this_run(target) -> str:
    (path,) = (target / "run").rglob("int_funnel_actors_this_run.sql")
    return path.read_text()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    work = tmp_path_factory.mktemp("funnel_part_way")
    first, second = _batches()
    full = DuckDBWarehouse(work / "full.duckdb")
    full.load(pa.concat_tables([first, second]), create=True)
    full.run(["build", "--full-refresh", *EXCLUDE_UNIT], SETTINGS, work / "target_full")

    out = {"full": full.snapshot()}
    for name, stopped_after in [("A", "+int_funnel_events_ordered"), ("B", "+int_funnel_attempts")]:
        warehouse, target = DuckDBWarehouse(work / f"{name}.duckdb"), work / f"target_{name}"
        warehouse.load(first, create=True)
        warehouse.run(["build", *EXCLUDE_UNIT], SETTINGS, target)
        sessions_before = {
            row[0] for row in warehouse.query("select session_id from fct_sessions where visitor_id = 'leaves'")
        }
        warehouse.load(second, create=False)
        warehouse.run(["run", "--select", stopped_after], SETTINGS, target)
        left_behind = {
            "attempts": _actors(warehouse, "int_funnel_attempts"),
            "fct_funnel_actors": _actors(warehouse, "fct_funnel_actors"),
        }
        warehouse.run(["build", *EXCLUDE_UNIT], SETTINGS, target)
        this_run = dict(warehouse.query("select actor_id, reason from int_funnel_actors_this_run"))
        caught_up = warehouse.snapshot(f"caught_up_{name}")
        sessions_after = {
            row[0] for row in warehouse.query("select session_id from fct_sessions where visitor_id = 'leaves'")
        }
        warehouse.run(["build", *EXCLUDE_UNIT], SETTINGS, target)
        out[name] = {
            "sessions_before": sessions_before,
            "sessions_after": sessions_after,
            "left_behind": left_behind,
            "this_run": this_run,
            "caught_up": caught_up,
            "nothing_new_sql": _compiled_this_run(target),
            "nothing_new_this_run": warehouse.one("select count(*) from int_funnel_actors_this_run"),
        }
    return out


@pytest.mark.parametrize("name", ["A", "B"])
def test_the_late_event_merged_the_two_sessions(runs, name):
    run = runs[name]
    assert len(run["sessions_before"]) == 2 and len(run["sessions_after"]) == 1
    (gone,) = run["sessions_before"] - run["sessions_after"]
    # The cut-short run left the vanished session's actor behind in the model it did not reach.
    behind = run["left_behind"]["attempts"] if name == "A" else run["left_behind"]["fct_funnel_actors"]
    assert gone in behind


def test_an_actor_left_in_the_attempts_is_rebuilt(runs):
    (gone,) = runs["A"]["sessions_before"] - runs["A"]["sessions_after"]
    assert runs["A"]["this_run"].get(gone) == "left the stream"
    assert_relations_equal(runs["A"]["caught_up"], runs["full"], FUNNEL_TABLES)


def test_an_actor_left_in_the_funnel_actors_is_rebuilt(runs):
    (gone,) = runs["B"]["sessions_before"] - runs["B"]["sessions_after"]
    assert runs["B"]["this_run"].get(gone) == "left the attempts"
    assert_relations_equal(runs["B"]["caught_up"], runs["full"], FUNNEL_TABLES)


@pytest.mark.parametrize("name", ["A", "B"])
def test_a_build_with_nothing_new_compiles_no_whole_table_anti_join(runs, name):
    sql = runs[name]["nothing_new_sql"]
    assert "left the stream" not in sql and "left the attempts" not in sql
    assert runs[name]["nothing_new_this_run"] == 0
