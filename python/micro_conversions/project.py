"""Where the dbt project is, for the CLIs (mc-publish, mc-funnel-columns) and the version.

In order:
1. the folder passed with `--project-dir`;
2. the folder named by the environment variable `MC_PROJECT_DIR`;
3. the checkout this package runs from (an editable install, or the repository's own tools);
4. the copy of the project the wheel carries (`micro_conversions/dbt_project/`, written at build
   time by setup.py), for a plain `pip install`.

A checkout is worked in (dbt's `target/`, `build/` and `published/` live in it); with the
carried copy, which sits among installed packages, they are written under the current folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

PROJECT_NAME = "micro_conversions"
PACKAGE_DIR = Path(__file__).resolve().parent
CARRIED_PROJECT = PACKAGE_DIR / "dbt_project"
CHECKOUT = PACKAGE_DIR.parents[1]  # <checkout>/python/micro_conversions

# What makes up the dbt project (what a wheel carries and what test copies hold).
PROJECT_FILES = ["dbt_project.yml", "profiles.yml"]
PROJECT_FOLDERS = ["models", "macros", "seeds", "tests", "analyses"]

_NAME_LINE = re.compile(r"""^name:\s*["']?(\w+)["']?\s*$""", re.MULTILINE)


class ProjectNotFound(RuntimeError):
    """No dbt project of micro_conversions where one was looked for."""


def is_project(folder: Path) -> bool:
    """True when `folder` holds the micro_conversions dbt project."""
    project_file = folder / "dbt_project.yml"
    if not project_file.is_file():
        return False
    found = _NAME_LINE.search(project_file.read_text())
    return bool(found) and found.group(1) == PROJECT_NAME


def find_project_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The dbt project's folder (see the module docstring for the order); raises ProjectNotFound."""
    for origin, value in (("--project-dir", explicit), ("MC_PROJECT_DIR", os.environ.get("MC_PROJECT_DIR"))):
        if value:
            folder = Path(value).expanduser().resolve()
            if not is_project(folder):
                raise ProjectNotFound(f"{origin} {folder} holds no micro_conversions dbt project (dbt_project.yml)")
            return folder
    for folder in (CHECKOUT, CARRIED_PROJECT):
        if is_project(folder):
            return folder
    raise ProjectNotFound(
        "the micro_conversions dbt project was not found: pass --project-dir (or set MC_PROJECT_DIR) to a "
        "checkout of the repository, or install the package from a wheel, which carries the project"
    )


def work_root(project_dir: Path) -> Path:
    """Where relative work paths (build/, published/, target/) resolve: the checkout, or the
    current folder when the project is the copy carried by an installed wheel."""
    return Path.cwd() if project_dir == CARRIED_PROJECT else project_dir
