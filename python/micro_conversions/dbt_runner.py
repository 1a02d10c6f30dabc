"""Run dbt in-process (one CLI start-up costs seconds; tests call dbt many times)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from micro_conversions.project import PROJECT_FILES, PROJECT_FOLDERS, ProjectNotFound, find_project_dir, work_root

try:
    # The project the tools use unless told otherwise (micro_conversions.project).
    PROJECT_DIR: Path | None = find_project_dir()
except ProjectNotFound:
    PROJECT_DIR = None


def configure_environment(duckdb_path: Path | None = None, project_dir: Path | None = None) -> None:
    """Offline, quiet defaults; optionally point the DuckDB target at another file. dbt's logs go
    to the work root's `logs/` (never into an installed package)."""
    project_dir = project_dir or PROJECT_DIR
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    if project_dir is not None:
        os.environ.setdefault("DBT_PROFILES_DIR", str(project_dir))
        os.environ.setdefault("DBT_LOG_PATH", str(work_root(project_dir) / "logs"))
    if duckdb_path is not None:
        os.environ["MC_DUCKDB_PATH"] = str(duckdb_path)


def copy_project(destination: Path) -> Path:
    """A copy of the dbt project (no build outputs), to run it with changed seeds or extra files."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy(PROJECT_DIR / name, destination / name)
    for name in PROJECT_FOLDERS:
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
    project_dir: Path | None = None,
    profiles_dir: Path | None = None,
):
    """Invokes dbt with `args` in this process; returns dbt's result object."""
    from dbt.cli.main import dbtRunner

    project_dir = project_dir or PROJECT_DIR
    if project_dir is None:
        raise ProjectNotFound("no dbt project: pass --project-dir or set MC_PROJECT_DIR")
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
