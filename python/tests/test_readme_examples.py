"""The README's "Point it at your own events" and "Your own goals and intents" sections, followed
verbatim on a fresh copy of the project: the files and commands are read from the README itself,
so the README cannot drift from what works."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml

from micro_conversions.dbt_runner import (
    PROJECT_DIR,
    close_duckdb_connections,
    configure_environment,
    copy_project,
    failures,
    run_dbt,
)
from micro_conversions.generate import Params, generate

README = (PROJECT_DIR / "README.md").read_text()


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def run_readme_dbt(command: str, project: Path):
    """A README `dbt ...` line, run in-process on `project` (the README runs it in the project)."""
    words = shlex.split(command.strip())
    assert words[0] == "dbt", command
    result = run_dbt(words[1:], project_dir=project, target_path=project / "target")
    close_duckdb_connections()
    assert result.success, failures(result)
    return result


def sessions(database: Path) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.sql("select session_id, visitor_id, event_count from fct_sessions order by session_id").fetchall()


@pytest.fixture(scope="module")
def events(tmp_path_factory):
    table, truth, _ = generate(Params(people=150, seed=17, start="2026-03-02", days=10))
    path = tmp_path_factory.mktemp("readme_events") / "events.parquet"
    pq.write_table(table, path)
    return path, truth


@pytest.mark.slow
def test_own_events_from_a_table(events, tmp_path):
    path, truth = events
    [command] = code_blocks(section("Point it at your own events"), "bash")[:1]
    relation = re.search(r"raw_events_relation: ([\w.]+)", command).group(1)
    assert relation == "analytics.web_events"
    project = copy_project(tmp_path / "project")
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema analytics")
        con.execute(f"create table {relation} as select * from read_parquet('{path}')")
    configure_environment(database)
    run_readme_dbt(command, project)
    built = sessions(database)
    assert len(built) == truth.num_rows  # every planted session, as the truth tests check in detail
    with duckdb.connect(str(database), read_only=True) as con:
        tables = {row[0] for row in con.sql("select table_name from information_schema.tables").fetchall()}
    # The demo events are not loaded where they are not the data; the unit tests' input
    # template is the empty contract seed.
    assert "raw_events" not in tables
    assert "raw_event_contract" in tables


@pytest.mark.slow
def test_own_events_from_a_file_read_in_place(events, tmp_path, monkeypatch):
    path, truth = events
    [command] = [b for b in code_blocks(section("Point it at your own events"), "bash") if b.startswith("make demo")]
    settings = yaml.safe_load(re.search(r"VARS='(.*)'", command).group(1))
    project = copy_project(tmp_path / "project")
    (project / "data").mkdir()
    (project / "data" / "events.parquet").write_bytes(path.read_bytes())
    database = tmp_path / "work.duckdb"
    configure_environment(database)
    monkeypatch.chdir(project)  # `make demo` runs in the project folder; the path is relative to it
    result = run_dbt(["build"], dbt_vars=settings, project_dir=project, target_path=project / "target")
    close_duckdb_connections()
    assert result.success, failures(result)
    assert len(sessions(database)) == truth.num_rows


@pytest.mark.slow
def test_own_goals_and_intents_replace_the_demo_ones(tmp_path):
    """A business swaps in its own goals, intents, funnels and segments (seed files only, no SQL)."""
    text = section("Your own goals and intents")
    names = re.findall(r"`seeds/(\w+)\.csv`", text)
    files = code_blocks(text, "csv")
    assert names == ["goals", "session_intents", "funnels", "funnel_steps", "funnel_exclusions", "visitor_segments"]
    assert len(files) == len(names)
    project = copy_project(tmp_path / "project")
    for name, content in zip(names, files, strict=True):
        (project / "seeds" / f"{name}.csv").write_text(content)
    configure_environment(tmp_path / "own_goals.duckdb")
    [command] = code_blocks(text, "bash")
    run_readme_dbt(command, project)
    with duckdb.connect(str(tmp_path / "own_goals.duckdb"), read_only=True) as con:
        goals = sorted(r[0] for r in con.sql("select goal_id from dim_goals").fetchall())
        leads = con.sql("select count(*) from fct_goal_completions where goal_id = 'lead'").fetchone()[0]
        macro = con.sql("select sum(macro_conversions) from fct_sessions").fetchone()[0]
        signups = con.sql(
            "select count(distinct session_id) from int_events_sessionized where event_name = 'newsletter_signup'"
        ).fetchone()[0]
        intents = dict(con.sql("select intent, count(*) from fct_sessions group by 1").fetchall())
        funnel = con.sql("select step_number, actors_reached from rpt_funnel_steps order by 1").fetchall()
        segments = dict(con.sql("select segment, visitors from rpt_conversion_by_segment").fetchall())
        lift_pairs = con.sql("select micro_goal_id, macro_goal_id from rpt_micro_conversion_lift").fetchall()
    assert goals == ["guide", "lead"]
    assert leads == macro == signups > 0
    assert set(intents) == {"after_sales", "browsing"}
    assert [step for step, _ in funnel] == [1, 2]
    assert funnel[0][1] >= funnel[1][1] > 0
    assert set(segments) == {"lead", "reader", "after_sales_only", "other", "unsegmented"}
    assert segments["lead"] > 0 and segments["reader"] > 0 and segments["unsegmented"] == 0
    assert lift_pairs == [("guide", "lead")]


def test_package_section_is_what_the_example_host_project_does():
    """README "Use it as a package": its dbt_project.yml vars and flags are the example host
    project's (which test_package_host builds), and its packages.yml takes the form the host uses."""
    text = section("Use it as a package")
    packages_block, project_block = code_blocks(text, "yaml")[:2]
    documented = yaml.safe_load(project_block)
    host = yaml.safe_load((PROJECT_DIR / "integration_tests" / "dbt_project.yml").read_text())
    assert documented["vars"], project_block
    for name, value in documented["vars"].items():
        assert host["vars"][name] == value, name
    assert documented["flags"].items() <= host["flags"].items()
    host_packages = yaml.safe_load((PROJECT_DIR / "integration_tests" / "packages.yml").read_text())
    assert "local: ../" in packages_block and host_packages["packages"] == [{"local": "../"}]
