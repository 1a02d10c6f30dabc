"""The wheel carries the dbt project: build_py copies it into micro_conversions/dbt_project/, so a
plain `pip install` gives CLIs that find it (micro_conversions/project.py). Everything else is in
pyproject.toml."""

import importlib.util
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("_mc_project", ROOT / "python" / "micro_conversions" / "project.py")
_project = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_project)


class BuildPyWithProject(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads the checkout itself
            return
        carried = Path(self.build_lib) / "micro_conversions" / "dbt_project"
        shutil.rmtree(carried, ignore_errors=True)
        carried.mkdir(parents=True)
        for name in _project.PROJECT_FILES:
            shutil.copy(ROOT / name, carried / name)
        for name in _project.PROJECT_FOLDERS:
            shutil.copytree(ROOT / name, carried / name, ignore=shutil.ignore_patterns("__pycache__"))


setup(cmdclass={"build_py": BuildPyWithProject})
