"""mc-report reads the published file: the terminal report names every public mart, and the HTML
page renders in headless Chromium with the network refused, every chart drawing as many marks
as the published marts hold (counted here from the marts, independently of the page code)."""

from __future__ import annotations

import json
import os
import re

import duckdb
import pytest

from micro_conversions.browser import find_chromium, network_requests, render
from micro_conversions.dbt_runner import configure_environment, run_dbt
from micro_conversions.gx_audit import public_marts
from micro_conversions.report import main as mc_report

IN_CI = os.environ.get("CI", "").lower() in ("true", "1")


@pytest.fixture(scope="module")
def published(demo_publish):
    work, _ = demo_publish
    return work


@pytest.fixture(scope="module")
def report_run(published, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "index.html"
    return out


def test_terminal_report_reads_the_published_file_and_covers_every_public_mart(published, capsys, monkeypatch):
    monkeypatch.delenv("MC_DUCKDB_PATH", raising=False)
    assert mc_report(["--published", str(published / "published" / "marts.duckdb")]) == 0
    text = capsys.readouterr().out
    manifest = json.loads((published / "target" / "manifest.json").read_text())
    marts = [node["name"] for node in public_marts(manifest)]
    assert len(marts) >= 18
    missing = [name for name in marts if not re.search(rf"\b{name}\b", text)]
    assert not missing, f"the report says nothing about {missing}"
    assert "Raw rows" not in text, "without the working database there is no raw-row line"


def test_terminal_report_adds_the_raw_row_reconciliation_from_the_working_database(published, capsys):
    args = ["--published", str(published / "published" / "marts.duckdb"), "--database", str(published / "work.duckdb")]
    assert mc_report(args) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("Raw rows"))
    assert "DOES NOT RECONCILE" not in line


def test_missing_published_file_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="no published marts at .*run mc-publish"):
        mc_report(["--published", str(tmp_path / "nothing.duckdb")])


def _expected_marks(path) -> dict[str, dict]:
    """Marks each chart must draw, from the published marts."""
    with duckdb.connect(str(path), read_only=True) as con:
        q = lambda sql: con.sql(sql).fetchall()  # noqa: E731
        expected = {}
        for funnel, steps in q("select funnel_id, count(*) from rpt_funnel_steps group by 1"):
            expected[f"funnel-{funnel}"] = {"bars": steps}
        for goal, anomalies in q(
            """
            select goals.goal_id, count(*) filter (where anomalies.is_anomaly)
            from dim_goals as goals
            left join rpt_goal_conversion_anomalies as anomalies on goals.goal_id = anomalies.goal_id
            where not goals.is_experimental group by 1
            """
        ):
            expected[f"rate-{goal}"] = {"points": anomalies, "fills": 1}
        transitions = con.sql("select * from rpt_goal_transitions").df()
    started = transitions.loc[transitions.step_number == 0, "visitors"].sum()
    drawn = transitions[(transitions.step_number <= 3) & (transitions.visitors >= 0.01 * started)]
    nodes = set(zip(drawn.step_number, drawn.from_goal_id, strict=True)) | set(
        zip(drawn.step_number + 1, drawn.to_goal_id, strict=True)
    )
    expected["goal-flow"] = {"sankey_links": len(drawn), "sankey_nodes": len(nodes)}
    with duckdb.connect(str(path), read_only=True) as con:
        for macro, rows in con.sql(
            "select macro_goal_id, count(*) from rpt_micro_conversion_lift where odds_ratio > 0 group by 1"
        ).fetchall():
            expected[f"lift-{macro}"] = {"points": rows, "error_bars": rows}
        segments = con.sql("select count(*) from rpt_conversion_by_segment where visitors > 0").fetchone()[0]
        expected["segments"] = {"bars": segments, "error_bars": segments}
    return expected


def test_a_working_database_without_staging_is_named_not_fatal(published, capsys, tmp_path):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    args = ["--published", str(published / "published" / "marts.duckdb"), "--database", str(empty)]
    assert mc_report(args) == 0
    assert "Raw rows: not reconciled (the working database has no staging tables" in capsys.readouterr().out


def test_html_report_renders_offline_with_every_chart_drawn(published, report_run, tmp_path, monkeypatch):
    _need_chromium()
    monkeypatch.delenv("MC_DUCKDB_PATH", raising=False)
    marts = published / "published" / "marts.duckdb"
    assert mc_report(["--published", str(marts), "--html", str(report_run)]) == 0
    # The page's own tags (scripts are inline; plotly.js's source mentions map-tile sites it never
    # loads without a map chart, which the browser check below would catch).
    tags = re.sub(r"<script>.*?</script>", "", report_run.read_text(), flags=re.S)
    assert "<script>" in report_run.read_text() and not re.findall(r"<script[^>]*\bsrc=", tags)
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", tags), "no link to anything on a network"
    shot = tmp_path / "report.png"
    rendered = render(report_run, shot)
    assert rendered.requests == [], f"the page asked the network for {rendered.requests[:5]}"
    assert rendered.errors == []
    expected = _expected_marks(marts)
    assert set(rendered.marks) == set(expected)
    for chart, counts in expected.items():
        drawn = rendered.marks[chart]
        assert drawn["width"] > 100 and drawn["height"] > 100, chart
        for kind, n in counts.items():
            assert drawn[kind] == n, f"{chart}: {drawn[kind]} {kind} drawn, {n} expected"
        if chart.startswith("rate-"):
            assert drawn["lines"] >= 1, chart
    # Charts with data really drew something (a demo without anomalies or links would prove little).
    assert sum(expected[c].get("points", 0) for c in expected if c.startswith("rate-")) > 0
    assert expected["goal-flow"]["sankey_links"] > 10
    assert shot.stat().st_size > 100_000, "a full-page screenshot of the charts"


def _need_chromium():
    if find_chromium() is None:
        if IN_CI:
            pytest.fail("Chromium is required in CI (.ci/run installs Debian's chromium)")
        pytest.skip("no Chromium on this machine (apt-get install chromium)")


@pytest.mark.slow
def test_data_docs_render_without_network(demo_publish):
    """The audit's Data Docs: the index lists a validation page per public mart, and the index
    and a validation page load with the network refused, with no script error."""
    _need_chromium()
    work, outcome = demo_publish
    index = outcome.audit.data_docs_index
    text = index.read_text()
    for mart in outcome.row_counts:
        assert f"validations/{mart}_contract/" in text, mart
    page = next(index.parent.glob("validations/fct_sessions_contract/**/*.html"))
    assert "Successful Expectations" in page.read_text()
    for html_page in (index, page):
        loaded = network_requests(html_page)
        assert loaded.requests == [] and loaded.errors == [], (html_page, loaded.requests[:3], loaded.errors[:3])


@pytest.mark.slow
def test_dbt_docs_site_is_static_and_offline(demo_publish, tmp_path):
    """`make docs`: dbt's static docs page (one file, manifest and catalog inlined) opens offline."""
    _need_chromium()
    work, _ = demo_publish
    configure_environment(work / "work.duckdb")
    result = run_dbt(["docs", "generate", "--static"], target_path=tmp_path / "docs")
    assert result.success, result.exception
    page = tmp_path / "docs" / "static_index.html"
    loaded = network_requests(page)
    assert loaded.requests == [] and loaded.errors == [], (loaded.requests[:3], loaded.errors[:3])
    assert "fct_sessions" in page.read_text() and "rpt_goal_conversion_daily" in page.read_text()
