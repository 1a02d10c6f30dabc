"""Spark as the distributed engine: the demo builds on local PySpark (dbt-spark, `session`
method) with every data test passing, and each public mart equals DuckDB's, row by row on its
primary key. Unit tests are left out on Spark (their fixtures need the `text` type names of the
DuckDB/Postgres contracts); the same SQL runs there through the spark__ macros."""

from __future__ import annotations

import json
import math
import shutil

import duckdb
import pandas as pd
import pytest
from postgres_fixtures import environment

from micro_conversions.dbt_runner import close_duckdb_connections, configure_environment, failures, run_dbt
from micro_conversions.gx_audit import build_specs, public_marts

# Slow tier (a Spark session and a whole build on it): run by `make test` in CI and `make test-all`.
pytestmark = pytest.mark.slow

pytest.importorskip("pyspark", reason="Spark tests need pyspark (installed with the dev extras)")
pytest.importorskip("dbt.adapters.spark", reason="Spark tests need dbt-spark")
if shutil.which("java") is None:
    pytest.skip("Spark tests skipped: no Java runtime (install openjdk-17-jre-headless)", allow_module_level=True)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    work = tmp_path_factory.mktemp("spark")
    env = {"MC_TARGET": "spark", "MC_SPARK_DIR": str(work / "spark"), "SPARK_LOCAL_IP": "127.0.0.1"}
    with environment(env):
        configure_environment()
        result = run_dbt(["build", "--exclude", "test_type:unit"], target_path=work / "target_spark")
    assert result.success, failures(result)
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.getOrCreate()  # the session dbt-spark ran in

    database = work / "demo.duckdb"
    configure_environment(database)
    result = run_dbt(["build", "--exclude", "test_type:unit"], target_path=work / "target_duckdb")
    close_duckdb_connections()
    assert result.success, failures(result)
    manifest = json.loads((work / "target_duckdb" / "manifest.json").read_text())
    return spark, database, manifest


def _primary_key(manifest, node) -> list[str]:
    for test in manifest["nodes"].values():
        if test["resource_type"] != "test" or test.get("attached_node") != node["unique_id"]:
            continue
        meta = test.get("test_metadata") or {}
        if meta.get("name") == "unique_combination":
            return list(meta["kwargs"]["columns"])
        if meta.get("name") == "unique":
            return [test["column_name"]]
    raise AssertionError(f"{node['name']} has no primary-key test")


def _key(values) -> tuple:
    """A row's key, the same whichever engine and pandas type it came from."""
    out = []
    for v in values:
        if hasattr(v, "isoformat"):
            out.append(pd.Timestamp(v).isoformat())
        elif isinstance(v, (int, float)) or type(v).__name__ in ("Decimal", "int32", "int64"):
            out.append(repr(float(v)))
        else:
            out.append(str(v))
    return tuple(out)


def _missing(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _same(a, b) -> bool:
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    if hasattr(a, "isoformat") or hasattr(b, "isoformat"):
        return pd.Timestamp(a) == pd.Timestamp(b)
    if isinstance(a, (bool, str)) or isinstance(b, (bool, str)):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


def test_every_public_mart_equals_duckdb(builds):
    spark, database, manifest = builds
    nodes = public_marts(manifest)
    assert len(nodes) == len(build_specs(manifest)) >= 16
    with duckdb.connect(str(database), read_only=True) as con:
        for node in nodes:
            name = node["name"]
            key = _primary_key(manifest, node)
            expected = con.sql(f"select * from main.{name}").df()
            actual = spark.table(f"micro_conversions.{name}").toPandas()[list(expected.columns)]
            assert len(actual) == len(expected) > 0, name
            columns = [c for c in expected.columns if c not in key and c != "processed_at"]
            keyed_expected = {_key(row[key]): row for _, row in expected.iterrows()}
            for _, row in actual.iterrows():
                other = keyed_expected.get(_key(row[key]))
                assert other is not None, (name, tuple(row[key]))
                for column in columns:
                    assert _same(other[column], row[column]), (
                        name,
                        tuple(row[key]),
                        column,
                        other[column],
                        row[column],
                    )
