"""micro_conversions: Python tools around the dbt project (generator, publish, report).

The version has one source, the `version:` of the dbt project's dbt_project.yml; the Python
package reads it from there (pyproject.toml takes it from `__version__`).
"""

from __future__ import annotations

import re

from micro_conversions.project import CARRIED_PROJECT, CHECKOUT

_VERSION_LINE = re.compile(r"""^version:\s*["']?([0-9A-Za-z.+-]+)["']?\s*$""", re.MULTILINE)


def _project_version() -> str:
    for project_file in (CARRIED_PROJECT / "dbt_project.yml", CHECKOUT / "dbt_project.yml"):
        if project_file.exists():
            found = _VERSION_LINE.search(project_file.read_text())
            if found:
                return found.group(1)
    return "0+unknown"


__version__ = _project_version()
