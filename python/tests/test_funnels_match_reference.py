"""Every funnel actor in the marts equals the plain-Python reference (funnel_reference.py) on the
generated events: furthest step, exclusion and the time of each step."""

from __future__ import annotations

import pytest
from funnel_reference import Event, Funnel, actors


@pytest.fixture(scope="module")
def inputs(built_project):
    with built_project.connect() as con:
        rows = con.sql(
            """
            select e.event_id, epoch(e.event_at), e.session_id, coalesce(e.user_id, e.visitor_id),
                   list(m.goal_id) filter (where m.goal_id is not null)
            from int_events_sessionized e left join int_goal_events_matched m using (event_id)
            group by all
            """
        ).fetchall()
        events = [Event(r[0], r[1], r[2], r[3], frozenset(r[4] or [])) for r in rows]
        config = con.sql(
            "select funnel_id, scope, ordering, window_seconds, list(goal_id order by step_number) "
            "from dim_funnels group by all"
        ).fetchall()
        exclusions = con.sql("select funnel_id, goal_id, after_step, before_step from stg_funnel_exclusions").fetchall()
        marts = con.sql(
            f"""
            select funnel_id, actor_id, furthest_step, is_excluded,
                   [{", ".join(f"epoch(step_{k}_at)" for k in range(1, 9))}]
            from fct_funnel_actors
            """
        ).fetchall()
    funnels = [
        Funnel(f, s, o, w, goals, [(g, a, b) for fid, g, a, b in exclusions if fid == f])
        for f, s, o, w, goals in config
    ]
    actual = {}
    for funnel_id, actor, furthest, excluded, times in marts:
        actual.setdefault(funnel_id, {})[actor] = {
            "furthest_step": furthest,
            "is_excluded": excluded,
            "step_at": {k: t for k, t in enumerate(times, start=1) if t is not None},
        }
    return events, funnels, actual


def test_demo_funnels_cover_every_ordering(inputs):
    _, funnels, _ = inputs
    assert {f.ordering for f in funnels} == {"ordered", "strict", "unordered"}
    assert {f.scope for f in funnels} == {"visitor", "session"}
    assert any(f.exclusions for f in funnels)


def test_every_actor_matches_the_reference(inputs):
    events, funnels, actual = inputs
    for funnel in funnels:
        expected = actors(funnel, events)
        got = actual.get(funnel.funnel_id, {})
        assert got.keys() == expected.keys(), funnel.funnel_id
        differ = [a for a in expected if got[a] != expected[a]]
        assert not differ, (funnel.funnel_id, [(a, got[a], expected[a]) for a in differ[:3]])
        # the funnel is not trivial on this data
        assert max(v["furthest_step"] for v in expected.values()) >= 2, funnel.funnel_id
