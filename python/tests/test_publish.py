"""Write -> audit -> publish on DuckDB: only a fully tested build reaches the published file, the
swap is atomic for readers, every publish is recorded, and the Great Expectations suites fail on
bad marts."""

from __future__ import annotations

import json

import duckdb
import pytest

from micro_conversions.dbt_runner import PROJECT_DIR, copy_project
from micro_conversions.gx_audit import build_specs, read_marts, run_audit
from micro_conversions.publish import AUDIT_TABLE, PublishRefused, build_audit_publish, publish_duckdb


@pytest.fixture(scope="module")
def first_publish(demo_publish):
    return demo_publish


def _audit_rows(path):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(f"select run_id, mart, row_count from {AUDIT_TABLE} order by all").fetchall()


def test_publish_copies_every_public_mart_and_records_it(first_publish):
    work, outcome = first_publish
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    marts = {spec.name for spec in build_specs(manifest)}
    assert {"fct_sessions", "rpt_goal_conversion_daily", "rpt_funnel_steps", "rpt_micro_conversion_lift"} <= marts
    published = work / "published" / "marts.duckdb"
    with (
        duckdb.connect(str(published), read_only=True) as pub,
        duckdb.connect(str(work / "work.duckdb"), read_only=True) as src,
    ):
        tables = {r[0] for r in pub.sql("select table_name from duckdb_tables()").fetchall()}
        assert tables == marts | {AUDIT_TABLE}, "only public marts (no staging, no raw events) are published"
        for mart in marts:
            expected = src.sql(f"select count(*) from main.{mart}").fetchone()[0]
            assert pub.sql(f"select count(*) from main.{mart}").fetchone()[0] == expected == outcome.row_counts[mart]
            # Same content, not only the same count.
            a, b = (c.sql(f"select * from main.{mart}").df() for c in (pub, src))
            key = list(a.columns)
            a = a.sort_values(key).reset_index(drop=True)
            b = b.sort_values(key).reset_index(drop=True)
            assert a.equals(b), mart
    rows = _audit_rows(published)
    assert {r[0] for r in rows} == {outcome.run_id}
    assert {r[1]: r[2] for r in rows} == outcome.row_counts
    assert outcome.audit.data_docs_index is not None and outcome.audit.data_docs_index.exists()
    assert "fct_sessions" in outcome.audit.data_docs_index.read_text() or any(
        "fct_sessions" in p.name for p in outcome.audit.data_docs_index.parent.rglob("*.html")
    )


def _storage_version(path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(
            "select tags['storage_version'] from duckdb_databases() where not internal and path is not null"
        ).fetchone()[0]


def test_the_working_file_is_created_in_the_newer_storage_format_and_the_published_one_is_not(first_publish):
    """profiles.yml creates the working database in storage format v1.4.0 (faster writes of text
    columns: docs/performance.md); the published file, which BI tools open with whatever DuckDB
    they have, stays in the default format that DuckDB 1.0 and later read."""
    work, _ = first_publish
    assert _storage_version(work / "work.duckdb") == "v1.4.0+"
    assert _storage_version(work / "published" / "marts.duckdb") == "v1.0.0+"


def test_failed_build_leaves_the_published_marts_untouched(first_publish, tmp_path):
    work, outcome = first_publish
    published = work / "published" / "marts.duckdb"
    before = published.read_bytes()
    project = copy_project(tmp_path / "project")
    goals = (project / "seeds" / "goals.csv").read_text().splitlines()
    goals[1] = goals[1].replace(",macro,", ",mega,")  # purchase: goal_kind must be macro or micro
    (project / "seeds" / "goals.csv").write_text("\n".join(goals) + "\n")
    with duckdb.connect(str(published), read_only=True) as reader:  # a BI tool holding the file open
        with pytest.raises(PublishRefused) as refused:
            build_audit_publish(
                work_db=tmp_path / "work.duckdb",
                destination=published,
                gx_dir=tmp_path / "gx",
                project_dir=project,
                target_path=tmp_path / "target",
                log=lambda *_: None,
            )
        assert reader.sql("select count(*) from fct_sessions").fetchone()[0] > 0
    message = str(refused.value)
    assert "goals_rows_are_valid" in message and "purchase" in message and "goal_kind must be macro or micro" in message
    assert published.read_bytes() == before


def test_swap_is_atomic_for_a_reader_holding_the_old_file(first_publish, tmp_path):
    work, outcome = first_publish
    published = tmp_path / "marts.duckdb"
    publish_duckdb(work / "work.duckdb", published, ["fct_sessions", "dim_visitors"], "run-1")
    reader = duckdb.connect(str(published), read_only=True)
    try:
        publish_duckdb(work / "work.duckdb", published, ["fct_sessions", "dim_visitors", "dim_goals"], "run-2")
        # The open connection still reads the complete first set, never a mix.
        old_tables = {r[0] for r in reader.sql("select table_name from duckdb_tables()").fetchall()}
        assert old_tables == {"fct_sessions", "dim_visitors", AUDIT_TABLE}
        assert {r[0] for r in reader.sql(f"select run_id from {AUDIT_TABLE}").fetchall()} == {"run-1"}
    finally:
        reader.close()
    runs = {r[0] for r in _audit_rows(published)}
    assert runs == {"run-1", "run-2"}, "the audit table keeps the history of publishes"
    with duckdb.connect(str(published), read_only=True) as con:
        assert "dim_goals" in {r[0] for r in con.sql("select table_name from duckdb_tables()").fetchall()}
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file is left behind"


@pytest.fixture(scope="module")
def good_frames(first_publish):
    work, _ = first_publish
    specs = build_specs(json.loads((work / "target" / "manifest.json").read_text()))
    with duckdb.connect(str(work / "work.duckdb"), read_only=True) as con:
        frames = read_marts(lambda sql: con.sql(sql).df(), specs)
    return specs, frames


@pytest.mark.parametrize(
    "mart,corrupt,expected",
    [
        ("fct_sessions", lambda f: f.assign(session_id=f.session_id.iloc[0]), "expect_column_values_to_be_unique"),
        ("fct_sessions", lambda f: f.assign(page_views=-1), "expect_column_values_to_be_between"),
        ("rpt_goal_conversion_daily", lambda f: f.assign(conversion_rate=1.5), "expect_column_values_to_be_between"),
        (
            "rpt_goal_conversion_daily",
            lambda f: f.assign(converting_sessions=f.sessions + 1),
            "expect_column_pair_values_a_to_be_greater_than_b",
        ),
        (
            "rpt_funnel_steps",
            lambda f: f.assign(actors_reached=f.actors_reached + f.step_number * 1000),
            "expect_column_pair_values_a_to_be_greater_than_b",
        ),
        ("fct_goal_completions", lambda f: f.assign(goal_id=None), "expect_column_values_to_not_be_null"),
        ("dim_goals", lambda f: f.drop(columns=["stage"]), "expect_table_columns_to_match_set"),
    ],
)
def test_great_expectations_suites_fail_on_bad_marts(good_frames, tmp_path, mart, corrupt, expected):
    specs, frames = good_frames
    spec = next(s for s in specs if s.name == mart)
    bad = {mart: corrupt(frames[mart].copy())}
    result = run_audit(bad, [spec], tmp_path / "gx", run_name="corrupted")
    assert not result.success
    assert any(line.startswith(f"{mart}: {expected}") for line in result.failures), result.failures


@pytest.mark.slow
def test_great_expectations_suites_pass_on_the_built_marts(good_frames, tmp_path):
    specs, frames = good_frames
    result = run_audit(frames, specs, tmp_path / "gx", run_name="good")
    assert result.success, result.failures
    assert set(result.row_counts) == {s.name for s in specs} and len(specs) >= 16


def test_default_published_path_is_under_published(monkeypatch):
    from micro_conversions.publish import published_path

    monkeypatch.delenv("MC_PUBLISHED_PATH", raising=False)
    assert published_path() == PROJECT_DIR / "published" / "micro_conversions.duckdb"
    monkeypatch.setenv("MC_PUBLISHED_PATH", "/srv/bi/marts.duckdb")
    assert str(published_path()) == "/srv/bi/marts.duckdb"


@pytest.mark.slow
def test_marts_that_become_empty_are_refused_unless_allowed(first_publish, tmp_path):
    """Funnel seeds emptied (header only): the build and the audit pass, but the funnel marts
    would be published empty over the good ones: refused, each named, the file untouched; with
    allow_shrink the same publish goes through."""
    import shutil

    work, _ = first_publish
    work_db, published = tmp_path / "work.duckdb", tmp_path / "marts.duckdb"
    shutil.copyfile(work / "work.duckdb", work_db)
    shutil.copyfile(work / "published" / "marts.duckdb", published)
    before = published.read_bytes()
    project = copy_project(tmp_path / "project")
    for name in ["funnels", "funnel_steps", "funnel_exclusions"]:
        path = project / "seeds" / f"{name}.csv"
        path.write_text(path.read_text().splitlines()[0] + "\n")
    publish = dict(
        work_db=work_db,
        destination=published,
        gx_dir=tmp_path / "gx",
        project_dir=project,
        target_path=tmp_path / "target",
        log=lambda *_: None,
    )
    with pytest.raises(PublishRefused) as refused:
        build_audit_publish(**publish)
    message = str(refused.value)
    assert "--allow-shrink" in message
    for mart in ["dim_funnels", "fct_funnel_actors", "rpt_funnel_steps"]:
        assert f"{mart}: " in message and "now empty" in message, mart
    assert "fct_sessions" not in message
    assert published.read_bytes() == before
    outcome = build_audit_publish(**publish, allow_shrink=True)
    assert outcome.row_counts["rpt_funnel_steps"] == 0 and outcome.row_counts["fct_sessions"] > 0


def test_audit_writes_no_progress_bars_when_not_on_a_terminal(good_frames, tmp_path, capfd):
    """Progress bars only on a terminal: under pytest stderr is a pipe, as in CI and log files."""
    specs, frames = good_frames
    spec = next(s for s in specs if s.name == "fct_sessions")
    result = run_audit({spec.name: frames[spec.name]}, [spec], tmp_path / "gx", run_name="quiet")
    assert result.success
    captured = capfd.readouterr()
    assert "Calculating Metrics" not in captured.err + captured.out
    assert "%|" not in captured.err
