"""A plain-Python reference of the funnel rules, written from the README's definitions one attempt
at a time (quadratic, fine for test data), to check the SQL's linear implementation against."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Funnel:
    funnel_id: str
    scope: str
    ordering: str
    window_seconds: float
    goals: list[str]  # goal of step 1, 2, ...
    exclusions: list[tuple[str, int, int]] = field(default_factory=list)  # (goal, after_step, before_step)


@dataclass
class Event:
    event_id: str
    at: float  # epoch seconds
    actor_session: str
    actor_person: str
    goals: frozenset


def _max_matching(steps_goals: list[str], window_events: list[Event]) -> int:
    """Largest number of steps that distinct events can fill (augmenting paths)."""
    owner: dict[int, int] = {}

    def assign(step: int, seen: set[int]) -> bool:
        for index, event in enumerate(window_events):
            if steps_goals[step] in event.goals and index not in seen:
                seen.add(index)
                if index not in owner or assign(owner[index], seen):
                    owner[index] = step
                    return True
        return False

    return sum(1 for step in range(len(steps_goals)) if assign(step, set()))


def actors(funnel: Funnel, events: list[Event]) -> dict[str, dict]:
    """actor -> {furthest_step, is_excluded, step_at: {k: epoch}} for actors that started."""
    relevant = {g for g in funnel.goals} | {g for g, _, _ in funnel.exclusions}
    by_actor = defaultdict(list)
    for e in events:
        if funnel.ordering == "strict" or e.goals & relevant:
            actor = e.actor_session if funnel.scope == "session" else e.actor_person
            by_actor[actor].append(e)
    n, window = len(funnel.goals), funnel.window_seconds
    result = {}
    for actor, stream in by_actor.items():

        def first_step(e):
            steps = [k for k, g in enumerate(funnel.goals, start=1) if g in e.goals]
            return min(steps) if steps else n + 1

        stream.sort(key=lambda e: (e.at, first_step(e), e.event_id))
        attempts = []
        for i, start in enumerate(stream):
            if funnel.ordering == "unordered":
                if first_step(start) > n:
                    continue
                in_window = [e for e in stream[i:] if e.at - start.at <= window and first_step(e) <= n]
                attempts.append((_max_matching(funnel.goals, in_window), False, {1: start.at}))
                continue
            if funnel.goals[0] not in start.goals:
                continue
            positions, times = {1: i}, {1: start.at}
            pos = i
            for k in range(2, n + 1):
                goal = funnel.goals[k - 1]
                if funnel.ordering == "strict":
                    candidates = [pos + 1] if pos + 1 < len(stream) and goal in stream[pos + 1].goals else []
                else:
                    candidates = [j for j in range(pos + 1, len(stream)) if goal in stream[j].goals][:1]
                if not candidates or stream[candidates[0]].at - start.at > window:
                    break
                pos = candidates[0]
                positions[k], times[k] = pos, stream[pos].at
            excluded = False
            for goal, after, before in funnel.exclusions:
                if after not in positions:
                    continue
                later = [j for j in range(positions[after] + 1, len(stream)) if goal in stream[j].goals][:1]
                if not later:
                    continue
                j = later[0]
                if (before in positions and j < positions[before]) or (
                    before not in positions and stream[j].at - start.at <= window
                ):
                    excluded = True
            attempts.append((len(positions), excluded, times))
        if not attempts:
            continue
        step_at = {}
        for k in range(1, n + 1):
            first = next((times for furthest, _, times in attempts if furthest >= k), None)
            if first is not None and k in first:
                step_at[k] = first[k]
        result[actor] = {
            "furthest_step": max(a[0] for a in attempts),
            "is_excluded": any(a[1] for a in attempts),
            "step_at": step_at,
        }
    return result
