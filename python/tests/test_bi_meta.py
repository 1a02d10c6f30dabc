"""The Lightdash-style metrics in the public marts' YAML (`meta.metrics`) reference documented
columns only, and computed on the published file at the mart's grain they give back the mart's
own rate columns (a ratio of sums, not an average of rates); the exposure example parses."""

from __future__ import annotations

import re

import duckdb
import pytest
import yaml

from micro_conversions.dbt_runner import PROJECT_DIR

# Lightdash metric -> the mart column it must equal at the mart's grain.
SAME_AS_COLUMN = {
    "session_conversion_rate": "conversion_rate",
    "intent_adjusted_conversion_rate": "intent_adjusted_conversion_rate",
    "visitor_conversion_rate": "visitor_conversion_rate",
    "total_goal_value": "goal_value",
    "funnel_conversion_from_previous": "conversion_rate_from_previous",
    "funnel_conversion_from_start": "conversion_rate_from_start",
    "segment_visitor_conversion_rate": "visitor_conversion_rate",
}


def _models_with_metrics() -> list[dict]:
    models = []
    for path in sorted((PROJECT_DIR / "models" / "marts").rglob("_*_marts.yml")):
        for model in yaml.safe_load(path.read_text()).get("models", []):
            if model.get("meta", {}).get("metrics"):
                models.append(model)
    return models


def _grain(model: dict) -> list[str]:
    for test in model.get("data_tests", []):
        if isinstance(test, dict) and "micro_conversions.unique_combination" in test:
            return test["micro_conversions.unique_combination"]["arguments"]["columns"]
    return [c["name"] for c in model["columns"] if "unique" in (c.get("data_tests") or [])]


def test_every_metric_references_documented_columns():
    models = _models_with_metrics()
    assert {m["name"] for m in models} >= {"rpt_goal_conversion_daily", "rpt_funnel_steps_daily", "fct_sessions"}
    for model in models:
        columns = {c["name"] for c in model["columns"]}
        for name, metric in model["meta"]["metrics"].items():
            used = set(re.findall(r"\$\{(\w+)\}", metric["sql"]))
            assert used and used <= columns, (model["name"], name, used - columns)
            assert metric["type"] in ("number", "count_distinct", "sum", "count"), name


@pytest.mark.parametrize("model", _models_with_metrics(), ids=lambda m: m["name"])
def test_metrics_at_the_grain_equal_the_mart_columns(model, demo_publish):
    work, _ = demo_publish
    grain = _grain(model)
    assert grain, model["name"]
    metrics = model["meta"]["metrics"]
    checked = 0
    with duckdb.connect(str(work / "published" / "marts.duckdb"), read_only=True) as con:
        for name, metric in metrics.items():
            sql = re.sub(r"\$\{(\w+)\}", r"\1", metric["sql"])
            if metric["type"] == "count_distinct":
                sql = f"count(distinct {sql})"
            if name in SAME_AS_COLUMN:
                column = SAME_AS_COLUMN[name]
                diffs = con.sql(
                    f"""
                    with by_grain as (
                        select {", ".join(grain)}, {sql} as metric, any_value({column}) as mart_value
                        from {model["name"]} group by {", ".join(grain)}
                    )
                    select count(*), count(*) filter (
                        where (metric is null) != (mart_value is null) or abs(metric - mart_value) > 1e-12
                    )
                    from by_grain
                    """
                ).fetchone()
                assert diffs[0] > 0 and diffs[1] == 0, (model["name"], name, diffs)
            else:
                # Over the whole mart, against the same figure written by hand.
                expected = {
                    "session_count": "count(distinct session_id)",
                    "engagement_rate": "avg(case when is_engaged then 1.0 else 0 end)",
                    "bounce_rate": "avg(case when is_bounce then 1.0 else 0 end)",
                }[name]
                got, want = con.sql(f"select {sql}, {expected} from {model['name']}").fetchone()
                assert got == pytest.approx(want, abs=1e-12) and want > 0, (name, got, want)
            checked += 1
    assert checked == len(metrics)


def test_exposure_example_is_part_of_the_project(demo_publish):
    import json

    work, _ = demo_publish
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    exposure = manifest["exposures"]["exposure.micro_conversions.conversion_dashboard"]
    assert exposure["type"] == "dashboard"
    depends = {node.split(".")[-1] for node in exposure["depends_on"]["nodes"]}
    assert "rpt_goal_conversion_daily" in depends and "rpt_funnel_steps" in depends
