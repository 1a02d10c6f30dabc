"""Goal paths, goal transitions and segments, recounted in pandas from fct_goal_completions."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest


@pytest.fixture(scope="module")
def marts(built_project):
    with built_project.connect() as con:
        return {
            name: con.sql(f"select * from main.{name}").df()
            for name in [
                "fct_goal_completions",
                "dim_goals",
                "dim_visitors",
                "rpt_goal_paths",
                "rpt_goal_transitions",
                "rpt_conversion_by_segment",
            ]
        }


@pytest.fixture(scope="module")
def journeys(marts):
    """visitor_id -> (list of goals in journey order, converted), written independently of the SQL:
    distinct non-experimental goals by first completion (ties by goal_id), micro goals strictly
    before the first macro conversion, then that macro goal."""
    goals = marts["dim_goals"].set_index("goal_id")
    c = marts["fct_goal_completions"]
    c = c[~c.goal_id.map(goals.is_experimental)]
    firsts = c.groupby(["visitor_id", "goal_id"])["first_completed_at"].min().reset_index()
    firsts["kind"] = firsts.goal_id.map(goals.goal_kind)
    out = {}
    for visitor, g in firsts.groupby("visitor_id"):
        g = g.sort_values(["first_completed_at", "goal_id"])
        macros = g[g.kind == "macro"]
        if len(macros):
            first = macros.iloc[0]
            micro = g[(g.kind == "micro") & (g.first_completed_at < first.first_completed_at)]
            out[visitor] = (list(micro.goal_id) + [first.goal_id], True)
        else:
            out[visitor] = (list(g.goal_id), False)
    for visitor in marts["dim_visitors"].visitor_id:
        out.setdefault(visitor, ([], False))
    return out


MAX_PATHS, MIN_VISITORS, MAX_LENGTH = 20, 5, 3


def _shown(micro: list[str]) -> str:
    """The path as rpt_goal_paths names it: longer than MAX_LENGTH, the first MAX_LENGTH - 1
    goals, '...', the last goal."""
    if not micro:
        return "(no micro-conversion)"
    if len(micro) > MAX_LENGTH:
        micro = [*micro[: MAX_LENGTH - 1], "...", micro[-1]]
    return " > ".join(micro)


def test_paths_match_an_independent_count(marts, journeys):
    paths = marts["rpt_goal_paths"].set_index("goal_path")
    counted = Counter()
    converting = Counter()
    for goals, converted in journeys.values():
        path = _shown(goals[:-1] if converted else goals)
        counted[path] += 1
        converting[path] += converted
    # Named: enough visitors, and among the most frequent paths or the paths with most buyers.
    by_visitors = sorted(counted, key=lambda p: (-counted[p], p))[:MAX_PATHS]
    with_buyers = [p for p in counted if converting[p] > 0]
    by_buyers = sorted(with_buyers, key=lambda p: (-converting[p], -counted[p], p))
    named = {p for p in set(by_visitors) | set(by_buyers[:MAX_PATHS]) if counted[p] >= MIN_VISITORS}
    kept = [p for p in paths.index if p != "(other)"]
    assert set(kept) == named
    for path in kept:
        assert paths.loc[path, "visitors"] == counted[path], path
        assert paths.loc[path, "converting_visitors"] == converting[path], path
        rank = by_buyers.index(path) + 1 if path in with_buyers else None
        assert (pd.isna(paths.loc[path, "converter_rank"]) and rank is None) or paths.loc[
            path, "converter_rank"
        ] == rank, path
    # Every visitor is in exactly one row; the folded ones are all the others.
    assert paths.visitors.sum() == len(journeys)
    folded = [p for p in counted if p not in named]
    assert paths.loc["(other)", "visitors"] == sum(counted[p] for p in folded)
    assert paths.loc["(other)", "converting_visitors"] == sum(converting[p] for p in folded)


def test_most_converters_land_in_named_paths(marts):
    """The point of ranking paths among buyers too and capping their length: on the generated
    data (11 micro goals) most converting visitors are in a named row, not in '(other)'."""
    paths = marts["rpt_goal_paths"]
    named = paths[paths.goal_path != "(other)"].converting_visitors.sum()
    assert named / paths.converting_visitors.sum() > 0.6


def test_transitions_match_an_independent_count(marts, journeys):
    counted = Counter()
    for goals, converted in journeys.values():
        nodes = ["(start)", *goals] + ([] if converted else ["(drop-off)"])
        for step, (a, b) in enumerate(zip(nodes, nodes[1:], strict=False)):
            counted[(step, a, b)] += 1
    expected = pd.Series(counted).sort_index()
    t = marts["rpt_goal_transitions"].set_index(["step_number", "from_goal_id", "to_goal_id"])["visitors"].sort_index()
    assert t.to_dict() == expected.to_dict()


def test_transition_flows_balance(marts):
    """Visitors arriving at a goal node at step k all leave it at step k (terminal macro nodes excepted)."""
    t = marts["rpt_goal_transitions"]
    macro = set(marts["dim_goals"].query("goal_kind == 'macro'").goal_id)
    inflow = t.groupby(["step_number", "to_goal_id"])["visitors"].sum()
    outflow = t.groupby(["step_number", "from_goal_id"])["visitors"].sum()
    assert t[t.step_number == 0].visitors.sum() == len(marts["dim_visitors"])
    for (step, goal), n in inflow.items():
        if goal in macro or goal == "(drop-off)":
            continue
        assert outflow.get((step + 1, goal), 0) == n, (step, goal)


def test_segments_cover_every_visitor(marts):
    seg = marts["rpt_conversion_by_segment"].set_index("segment")
    visitors = marts["dim_visitors"]
    assert seg.visitors.sum() == len(visitors)
    assert seg.converting_visitors.sum() == visitors.converted.sum()
    assert seg.loc["converted", "visitor_conversion_rate"] == 1.0
    others = seg.drop(index="converted")
    assert (others.converting_visitors == 0).all()
    assert seg.loc["cart_abandoner", "visitors"] > 0 and seg.loc["engaged_researcher", "visitors"] > 0
