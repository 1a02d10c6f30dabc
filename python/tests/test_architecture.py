"""The structure page (docs/architecture.md) matches the code, and the layers run one way."""

from __future__ import annotations

import json
import re

from micro_conversions.dbt_runner import PROJECT_DIR

PAGE = (PROJECT_DIR / "docs" / "architecture.md").read_text()
LAYERS = ["staging", "intermediate", "marts"]


def manifest(duckdb_project):
    return json.loads((duckdb_project.database.parent / "target" / "manifest.json").read_text())


def test_every_path_the_page_names_exists():
    paths = set(re.findall(r"`((?:models|macros|seeds|tests|python|docs)/[^`*<> ]+)`", PAGE))
    assert len(paths) > 20
    missing = sorted(p for p in paths if not (PROJECT_DIR / p).exists())
    assert missing == []


def test_every_macro_the_page_names_exists():
    macro_source = "\n".join(p.read_text() for p in (PROJECT_DIR / "macros").rglob("*.sql"))
    defined = set(re.findall(r"\{%-?\s*(?:macro|test)\s+(\w+)\(", macro_source))
    named = set(re.findall(r"`(\w+)\(\)`", PAGE)) | set(re.findall(r"\(`(\w+)`[,)]", PAGE))
    named |= {"is_bot", "device_category", "classify_channels", "is_engaged", "page_paths_matching"}
    # Names in parentheses may also be models the page points at.
    named -= {p.stem for p in (PROJECT_DIR / "models").rglob("*.sql")}
    assert len(named) > 10
    assert named - defined == set()


def test_every_goal_type_has_a_file_a_doc_sentence_and_a_registry_entry():
    registry = (PROJECT_DIR / "macros/goals/goal_types.sql").read_text()
    listed = re.findall(r"micro_conversions\.goal_type__(\w+)\(\)", registry)
    files = sorted(p.stem for p in (PROJECT_DIR / "macros/goals/types").glob("*.sql"))
    docs = (PROJECT_DIR / "models/docs.md").read_text()
    doc_block = docs[
        docs.index("{% docs goal_types %}") : docs.index("{% enddocs %}", docs.index("{% docs goal_types %}"))
    ]
    assert sorted(listed) == files
    assert "scroll_depth" in files
    for name in files:
        assert f"`{name}`" in doc_block, name


def test_layers_run_one_way_and_folders_match_prefixes(duckdb_project):
    nodes = manifest(duckdb_project)["nodes"]
    models = {n["unique_id"]: n for n in nodes.values() if n["resource_type"] == "model"}
    wrong = []
    for node in models.values():
        folder = node["path"].split("/")[0]
        if folder in LAYERS:
            prefix = {"staging": "stg_", "intermediate": "int_"}.get(folder)
            if prefix and not node["name"].startswith(prefix):
                wrong.append(f"{node['name']} in {folder} without {prefix}")
            if folder == "marts":
                if not re.match(r"(dim|fct|rpt)_", node["name"]):
                    wrong.append(f"{node['name']}: a mart is dim_, fct_ or rpt_")
                if node["path"].count("/") != 2:
                    wrong.append(f"{node['name']}: marts live in a business folder")
        for parent_id in node["depends_on"]["nodes"]:
            parent = models.get(parent_id)
            if parent is None or folder not in LAYERS:
                continue
            parent_folder = parent["path"].split("/")[0]
            if parent_folder in LAYERS and LAYERS.index(parent_folder) > LAYERS.index(folder):
                wrong.append(f"{node['name']} ({folder}) reads {parent['name']} ({parent_folder})")
    assert wrong == []
