"""The Python package outside the repository: a wheel built from this checkout, installed with a
plain (non-editable) install, gives CLIs that find the dbt project it carries and work from any
folder; it holds no top-level `tests` package."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from micro_conversions.dbt_runner import PROJECT_DIR
from micro_conversions.project import PROJECT_FILES, PROJECT_FOLDERS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(folder the wheel is installed in, an empty work folder, the wheel)."""
    root = tmp_path_factory.mktemp("installed")
    wheels = root / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(PROJECT_DIR)],
        check=True,
    )
    (wheel,) = wheels.glob("micro_conversions-*.whl")
    site = root / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
    )
    work = root / "work"
    work.mkdir()
    return site, work, wheel


def run_installed(site: Path, work: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m <args>` with only the installed copy of the package importable, from `work`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MC_", "DBT_PROFILES_DIR", "DBT_LOG_PATH", "DBT_TARGET_PATH"))
    }
    env["PYTHONPATH"] = str(site)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return subprocess.run([sys.executable, "-m", *args], cwd=work, env=env, capture_output=True, text=True, timeout=900)


def project_files(folder: Path) -> set[str]:
    found = {name for name in PROJECT_FILES if (folder / name).is_file()}
    for name in PROJECT_FOLDERS:
        found |= {
            str(p.relative_to(folder))
            for p in (folder / name).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
    return found


def test_the_wheel_carries_the_project_and_no_tests_package(installed):
    _, _, wheel = installed
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top_level == {"micro_conversions"}
    carried = {n.removeprefix("micro_conversions/dbt_project/") for n in names if "/dbt_project/" in n}
    assert carried == project_files(PROJECT_DIR)


def test_the_installed_package_is_the_one_imported_and_knows_its_version(installed):
    site, work, _ = installed
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import micro_conversions as m, micro_conversions.dbt_runner as r;"
            "print(m.__file__); print(m.__version__); print(r.PROJECT_DIR)",
        ],
        cwd=work,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=True,
    )
    module_file, version, project_dir = check.stdout.split()
    assert Path(module_file).is_relative_to(site)
    assert Path(project_dir) == site / "micro_conversions" / "dbt_project"
    expected = next(
        line.split(":", 1)[1].strip().strip('"')
        for line in (PROJECT_DIR / "dbt_project.yml").read_text().splitlines()
        if line.startswith("version:")
    )
    assert version == expected


def test_generate_publish_and_report_work_from_any_folder(installed):
    site, work, _ = installed
    generated = run_installed(
        site, work, "micro_conversions.generate", "--people", "40", "--seed", "3", "--out", "events.parquet"
    )
    assert generated.returncode == 0, generated.stderr
    published = run_installed(
        site, work, "micro_conversions.publish", "--vars", "{micro_conversions__raw_events_relation: events.parquet}"
    )
    assert published.returncode == 0, published.stdout[-3000:] + published.stderr[-3000:]
    # Work files go to the current folder, never into the installed package.
    assert (work / "published" / "micro_conversions.duckdb").is_file()
    assert (work / "build" / "micro_conversions.duckdb").is_file()
    carried = site / "micro_conversions" / "dbt_project"
    assert not (carried / "target").exists() and not (carried / "logs").exists()
    with duckdb.connect(str(work / "published" / "micro_conversions.duckdb"), read_only=True) as con:
        (sessions,) = con.execute("select count(*) from fct_sessions").fetchone()
        (events,) = con.execute("select count(*) from read_parquet(?)", [str(work / "events.parquet")]).fetchone()
    assert 0 < sessions <= events
    # The report reads the published file; the working database adds the raw-row line.
    report = run_installed(
        site, work, "micro_conversions.report", "--database", "build/micro_conversions.duckdb", "--html", "report.html"
    )
    assert report.returncode == 0, report.stderr
    assert "fct_sessions" in report.stdout and "Raw rows" in report.stdout
    assert "Plotly.newPlot" in (work / "report.html").read_text()


def test_a_wrong_project_dir_is_named(installed, tmp_path):
    site, work, _ = installed
    refused = run_installed(site, work, "micro_conversions.publish", "--project-dir", str(tmp_path))
    assert refused.returncode == 2
    assert f"--project-dir {tmp_path} holds no micro_conversions dbt project" in refused.stderr


def test_publish_on_the_demo_with_a_project_dir(installed, tmp_path):
    """`mc-publish --project-dir <a checkout>`: the installed CLI builds that project (its demo
    seeds) and publishes it, its work paths (build/, published/) resolving in that checkout."""
    from micro_conversions.dbt_runner import copy_project

    site, _, _ = installed
    checkout = copy_project(tmp_path / "checkout")
    work = tmp_path / "work"
    work.mkdir()
    published = run_installed(site, work, "micro_conversions.publish", "--project-dir", str(checkout))
    assert published.returncode == 0, published.stdout[-3000:] + published.stderr[-3000:]
    assert not (work / "published").exists()
    with duckdb.connect(str(checkout / "published" / "micro_conversions.duckdb"), read_only=True) as con:
        (sessions,) = con.execute("select count(*) from fct_sessions").fetchone()
    demo_rows = len((PROJECT_DIR / "seeds" / "raw_events.csv").read_text().splitlines()) - 1
    assert 0 < sessions < demo_rows
