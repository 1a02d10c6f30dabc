"""Run dbt in-process (one CLI start-up costs seconds; tests call dbt many times)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def configure_environment(duckdb_path: Path | None = None) -> None:
    """Offline, quiet defaults; optionally point the DuckDB target at another file."""
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    if duckdb_path is not None:
        os.environ["MC_DUCKDB_PATH"] = str(duckdb_path)


def copy_project(destination: Path) -> Path:
    """A copy of the dbt project (no build outputs), to run it with changed seeds or extra files."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in ["dbt_project.yml", "profiles.yml"]:
        shutil.copy(PROJECT_DIR / name, destination / name)
    for name in ["models", "macros", "seeds", "tests", "analyses"]:
        shutil.copytree(PROJECT_DIR / name, destination / name)
    return destination


def failures(result) -> dict[str, str]:
    """Node name -> status and message, for every node that did not succeed or pass."""
    return {
        str(r.node.name): f"{r.status} {r.message}"
        for r in (result.result or [])
        if str(r.status) not in ("success", "pass")
    }


def close_duckdb_connections() -> None:
    """dbt-duckdb keeps its connection open in-process; close it before opening the file again."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter
        return
    DuckDBConnectionManager.close_all_connections()


def run_dbt(
    args: list[str],
    dbt_vars: dict | None = None,
    target_path: Path | None = None,
    project_dir: Path = PROJECT_DIR,
    profiles_dir: Path | None = None,
):
    """Invokes dbt with `args` in this process; returns dbt's result object."""
    from dbt.cli.main import dbtRunner

    profiles = str(profiles_dir) if profiles_dir is not None else os.environ["DBT_PROFILES_DIR"]
    full = [*args, "--project-dir", str(project_dir), "--profiles-dir", profiles]
    if dbt_vars:
        full += ["--vars", json.dumps(dbt_vars)]
    if target_path is not None:
        full += ["--target-path", str(target_path)]
    try:
        return dbtRunner().invoke(full)
    finally:
        close_duckdb_connections()
