"""Great Expectations suites for every public mart, derived from the dbt contract, and a checkpoint
run against the built relations.

The suites mirror what the dbt project declares for each contract-enforced mart (read from
`manifest.json`): not-null constraints and tests, unique keys, rates in [0, 1], numerator <=
denominator, Wilson bounds around their rate, funnel steps non-increasing. On top, counts (bigint
columns) are non-negative and durations (columns measured in seconds) lie in a plausible range
(warning severity: a surprising duration is reported, it does not block a publish).

Marts are read into pandas DataFrames and validated through GX's pandas datasource: GX's SQL
datasource returns nothing on DuckDB (results read after the connection closed), and pandas works
the same on every engine.
"""

from __future__ import annotations

import contextlib
import copy
import html
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# A session or a funnel step taking longer than this is implausible (warning, not an error).
PLAUSIBLE_MAX_SECONDS = 400 * 86400


@dataclass
class MartSpec:
    name: str
    relation: str
    columns: dict[str, str]
    expectations: list = field(default_factory=list)
    derived: dict = field(default_factory=dict)  # new column -> (function of the frame)


@dataclass
class AuditResult:
    success: bool
    failures: list[str]
    warnings: list[str]
    data_docs_index: Path | None
    row_counts: dict[str, int]


def public_marts(manifest: dict) -> list[dict]:
    """Model nodes of the marts folder with an enforced contract, in name order."""
    nodes = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model"
        and n["package_name"] == "micro_conversions"
        and "marts" in n["fqn"]
        and n["config"].get("contract", {}).get("enforced")
    ]
    return sorted(nodes, key=lambda n: n["name"])


def _tests_of(manifest: dict, node_id: str) -> list[dict]:
    return [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test"
        and n.get("attached_node") == node_id
        and n.get("test_metadata")
        and n["config"].get("severity", "ERROR").upper() == "ERROR"
        and n["config"].get("enabled", True)
    ]


def build_specs(manifest: dict) -> list[MartSpec]:
    """One expectation list per public mart (GX expectation objects are created lazily)."""
    import great_expectations as gx

    E = gx.expectations
    specs = []
    for node in public_marts(manifest):
        columns = {name: (c.get("data_type") or "").lower() for name, c in node["columns"].items()}
        spec = MartSpec(name=node["name"], relation=node["relation_name"], columns=columns)
        added = set()

        def add(key, expectation, spec=spec, added=added):
            if key not in added:
                added.add(key)
                spec.expectations.append(expectation)

        for name, column in node["columns"].items():
            if any(c.get("type") == "not_null" for c in column.get("constraints", [])):
                add(("not_null", name), E.ExpectColumnValuesToNotBeNull(column=name))
            if columns[name] in ("bigint", "integer", "int"):
                add(("non_negative", name), E.ExpectColumnValuesToBeBetween(column=name, min_value=0))
            if "seconds" in name:
                add(
                    ("plausible", name),
                    E.ExpectColumnValuesToBeBetween(
                        column=name, min_value=0, max_value=PLAUSIBLE_MAX_SECONDS, severity="warning"
                    ),
                )
        for test in _tests_of(manifest, node["unique_id"]):
            meta = test["test_metadata"]
            kwargs = meta.get("kwargs", {})
            column = test.get("column_name") or kwargs.get("column_name")
            kind = meta["name"]
            if kind == "not_null":
                add(("not_null", column), E.ExpectColumnValuesToNotBeNull(column=column))
            elif kind == "unique":
                add(("unique", column), E.ExpectColumnValuesToBeUnique(column=column))
            elif kind == "unique_combination":
                cols = list(kwargs["columns"])
                if len(cols) == 1:  # GX's compound expectation needs two columns or more
                    add(("unique", *cols), E.ExpectColumnValuesToBeUnique(column=cols[0]))
                else:
                    add(("unique", *cols), E.ExpectCompoundColumnsToBeUnique(column_list=cols))
            elif kind == "rate_within_unit_interval":
                add(("rate", column), E.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=1))
            elif kind == "numerator_not_above_denominator":
                num, den = kwargs["numerator"], kwargs["denominator"]
                add(
                    ("le", num, den),
                    E.ExpectColumnPairValuesAToBeGreaterThanB(
                        column_A=den, column_B=num, or_equal=True, ignore_row_if="either_value_is_missing"
                    ),
                )
            elif kind == "interval_brackets_rate":
                # lower <= rate <= upper, with the dbt test's tolerance for rounding (a bound of a
                # rate of 0 or 1 can land a hair inside or outside it).
                rate, lower, upper = kwargs["rate"], kwargs["lower"], kwargs["upper"]
                tolerance = float(kwargs.get("tolerance", 1e-12))
                for a, b in [(rate, lower), (upper, rate)]:
                    derived = f"_{a}_plus_tolerance"
                    spec.derived[derived] = _plus(a, tolerance)
                    add(
                        ("le", b, a),
                        E.ExpectColumnPairValuesAToBeGreaterThanB(
                            column_A=derived, column_B=b, or_equal=True, ignore_row_if="either_value_is_missing"
                        ),
                    )
            elif kind == "funnel_steps_non_increasing":
                count, group_by = kwargs["count_column"], list(kwargs.get("group_by") or [])
                derived = f"_previous_step_{count}"
                spec.derived[derived] = _previous_step(count, group_by)
                add(
                    ("steps", count),
                    E.ExpectColumnPairValuesAToBeGreaterThanB(
                        column_A=derived, column_B=count, or_equal=True, ignore_row_if="either_value_is_missing"
                    ),
                )
        # The mart has exactly its contract's columns (the derived ones are added for validation only).
        spec.expectations.insert(
            0, E.ExpectTableColumnsToMatchSet(column_set=[*columns, *spec.derived], exact_match=True)
        )
        specs.append(spec)
    return specs


def _plus(column: str, amount: float):
    return lambda frame: frame[column].astype("float64") + amount


def _previous_step(count: str, group_by: list[str]):
    """The count of the previous step of the same funnel (ordered and strict funnels only)."""

    def compute(frame):
        keys = ["funnel_id", *group_by]
        ordered = frame.sort_values([*keys, "step_number"])
        previous = ordered.groupby(keys, dropna=False)[count].shift(1)
        if "ordering" in frame.columns:
            previous = previous.where(ordered["ordering"] != "unordered")
        return previous.reindex(frame.index).astype("float64")

    return compute


def read_marts(read_sql, specs: list[MartSpec]) -> dict:
    """mart name -> DataFrame, read with `read_sql(sql) -> DataFrame`."""
    return {spec.name: read_sql(f"select * from {spec.relation}") for spec in specs}


def run_audit(frames: dict, specs: list[MartSpec], gx_dir: Path, run_name: str) -> AuditResult:
    """Validates each mart's frame against its suite through a checkpoint; builds Data Docs."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    gx_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(gx_dir))
    # Progress bars only on a terminal: in logs and CI output they are noise.
    on_terminal = sys.stderr.isatty()
    context.variables.progress_bars = ProgressBarsConfig(globally=on_terminal, metric_calculations=on_terminal)
    source_name = "micro_conversions_marts"
    with contextlib.suppress(Exception):  # absent on the first run
        context.data_sources.delete(source_name)
    source = context.data_sources.add_pandas(name=source_name)
    failures, warnings = [], []
    for spec in specs:
        frame = frames[spec.name].copy()
        for column, compute in spec.derived.items():
            frame[column] = compute(frame)
        asset = source.add_dataframe_asset(name=spec.name)
        batch = asset.add_batch_definition_whole_dataframe(f"{spec.name}_whole")
        suite_name = f"{spec.name}_contract"
        # Replace what an earlier run stored under the same names.
        for store, name in [
            (context.checkpoints, spec.name),
            (context.validation_definitions, spec.name),
            (context.suites, suite_name),
        ]:
            with contextlib.suppress(Exception):
                store.delete(name)
        suite = context.suites.add(gx.ExpectationSuite(name=suite_name))
        for expectation in spec.expectations:
            fresh = copy.copy(expectation)  # a spec can be validated more than once
            fresh.id = None
            suite.add_expectation(fresh)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=spec.name, data=batch, suite=suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=spec.name,
                validation_definitions=[definition],
                actions=[gx.checkpoint.UpdateDataDocsAction(name="update_data_docs")],
            )
        )
        result = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=gx.RunIdentifier(run_name=run_name))
        for validation in result.run_results.values():
            for r in validation.results:
                if r.success:
                    continue
                config = r.expectation_config
                line = f"{spec.name}: {config.type} {json.dumps(_describe(config.kwargs), default=str)}"
                line += f" ({r.result.get('unexpected_count', '?')} unexpected)"
                if str(getattr(config, "severity", "critical")).lower().endswith("warning"):
                    warnings.append(line)
                else:
                    failures.append(line)
    index = None
    sites = context.get_docs_sites_urls()
    if sites:
        url = sites[0].get("site_url") or ""
        index = Path(url.removeprefix("file://")) if url else None
    if index is not None and index.exists():
        make_data_docs_offline(index.parent)
    return AuditResult(
        success=not failures,
        failures=failures,
        warnings=warnings,
        data_docs_index=index,
        row_counts={name: len(frame) for name, frame in frames.items()},
    )


# Data Docs pages load Bootstrap, jQuery, Font Awesome and Vega from CDNs; offline they render
# as unstyled pages and the index (drawn by a jQuery table) as an empty list. Their validation and
# suite pages hold the results as static HTML tables, so: drop every tag that would reach a
# network and the scripts that need those libraries, add a small stylesheet, and replace the index
# with a static one. Vega histograms of the pages are lost; every number stays.
_NETWORK_TAG = re.compile(
    r"<link[^>]*href=[\"']https?://[^>]*>|<script[^>]*src=[\"']https?://[^>]*>\s*</script>"
    r"|<img[^>]*src=[\"']https?://[^>]*>",
    re.I,
)
_INLINE_SCRIPT = re.compile(r"<script(?:\s+type=[\"']text/javascript[\"'])?\s*>.*?</script>", re.I | re.S)
_OFFLINE_HEAD = """<meta http-equiv="Content-Security-Policy" content="default-src 'self' 'unsafe-inline'">
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 16px 32px; color: #202124; font-size: 14px; }
table { border-collapse: collapse; margin: 8px 0 16px; } td, th { border: 1px solid #ddd; padding: 4px 8px; }
.text-danger, .fa-times { color: #d93025; } .text-success, .fa-check { color: #188038; }
.card { border: 1px solid #eee; padding: 8px 12px; margin: 12px 0; } ul { padding-left: 20px; }
</style>
"""


def _offline_page(text: str) -> str:
    text = _INLINE_SCRIPT.sub("", _NETWORK_TAG.sub("", text))
    if "Content-Security-Policy" not in text:
        text = text.replace("<head>", "<head>\n" + _OFFLINE_HEAD, 1)
    return text


def make_data_docs_offline(site: Path) -> None:
    """Rewrites the Data Docs site under `site` to render without network (see above)."""
    pages = sorted(p for p in site.rglob("*.html") if p.name != "index.html" or p.parent != site)
    for page in pages:
        page.write_text(_offline_page(page.read_text(encoding="utf-8")), encoding="utf-8")

    def links(folder: str) -> str:
        found = sorted(p.relative_to(site).as_posix() for p in pages if p.relative_to(site).parts[0] == folder)
        items = "".join(f'<li><a href="{html.escape(p)}">{html.escape(p)}</a></li>' for p in reversed(found))
        return f"<ul>{items}</ul>" if items else "<p>none</p>"

    (site / "index.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'>" + _OFFLINE_HEAD + "<title>Data Docs</title></head><body>"
        "<h1>Great Expectations Data Docs (micro_conversions audit)</h1>"
        "<h2>Validation results (newest run first)</h2>"
        + links("validations")
        + "<h2>Expectation suites</h2>"
        + links("expectations")
        + "</body></html>",
        encoding="utf-8",
    )


def _describe(kwargs: dict) -> dict:
    return {k: v for k, v in kwargs.items() if k not in ("batch_id", "result_format") and v is not None}
