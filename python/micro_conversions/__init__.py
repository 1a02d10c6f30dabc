"""micro_conversions: Python tools around the dbt project (generator, publish, report).

The version has one source, the `version:` of the dbt project's dbt_project.yml; the Python
package reads it from there (pyproject.toml takes it from `__version__`).
"""

from __future__ import annotations

import re
from pathlib import Path

_VERSION_LINE = re.compile(r"""^version:\s*["']?([0-9A-Za-z.+-]+)["']?\s*$""", re.MULTILINE)


def _project_version() -> str:
    for project_file in (
        Path(__file__).resolve().parent / "dbt_project" / "dbt_project.yml",  # installed copy
        Path(__file__).resolve().parents[2] / "dbt_project.yml",  # the repository
    ):
        if project_file.exists():
            found = _VERSION_LINE.search(project_file.read_text())
            if found:
                return found.group(1)
    return "0+unknown"


__version__ = _project_version()
