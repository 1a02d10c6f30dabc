"""Headline figures of a built DuckDB database, for `make demo` and for a quick look."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import duckdb

from micro_conversions import __version__


def headline(con: duckdb.DuckDBPyConnection) -> str:
    one = lambda sql: con.sql(sql).fetchone()  # noqa: E731
    raw, staged, dups, quarantined = one(
        """
        select
            (select count(*) from stg_events_checked),
            (select count(*) from stg_events),
            (select count(*) from stg_events_checked where quarantine_reason is null and event_id_rank > 1),
            (select count(*) from stg_events_quarantine)
        """
    )
    bots = one("select count(*) from stg_events where is_bot")[0]
    sessions, engaged, bounces, avg_pages, avg_seconds = one(
        """
        select count(*), avg(case when is_engaged then 1.0 else 0 end),
               avg(case when is_bounce then 1.0 else 0 end), avg(page_views), avg(duration_seconds)
        from fct_sessions
        """
    )
    visitors, returning, known = one(
        "select count(*), avg(case when is_returning then 1.0 else 0 end), count(user_id) from dim_visitors"
    )
    reasons = con.sql(
        "select quarantine_reason, count(*) from stg_events_quarantine group by 1 order by 2 desc, 1"
    ).fetchall()
    channels = con.sql(
        """
        select channel, count(*) as sessions, avg(case when is_engaged then 1.0 else 0 end) as engaged
        from fct_sessions group by 1 order by 2 desc, 1
        """
    ).fetchall()
    goals = con.sql(
        """
        select goal_id, any_value(goal_kind), any_value(is_experimental),
               sum(converting_sessions), sum(sessions), sum(goal_value),
               sum(converting_intent_eligible_sessions), sum(intent_eligible_sessions)
        from rpt_goal_conversion_daily
        group by goal_id
        order by any_value(goal_kind), sum(converting_sessions) desc
        """
    ).fetchall()
    funnel_steps = con.sql(
        """
        select funnel_id, step_number, step_name, actors_reached, conversion_rate_from_previous,
               conversion_rate_from_start, median_seconds_from_previous
        from rpt_funnel_steps
        order by funnel_id, step_number
        """
    ).fetchall()
    support = one("select avg(case when counts_toward_conversion_rate then 0.0 else 1 end) from fct_sessions")[0]
    lines = [
        f"Raw rows {raw:,} = staged {staged:,} + duplicates {dups:,} + quarantined {quarantined:,}"
        f"{'' if raw == staged + dups + quarantined else '  (DOES NOT RECONCILE)'}",
        "  quarantined by reason: " + (", ".join(f"{r} {n}" for r, n in reasons) or "none"),
        f"  bot events flagged and left out of sessions: {bots:,}",
        f"Sessions {sessions:,}: engaged {engaged:.1%}, bounce {bounces:.1%}, "
        f"{avg_pages:.1f} page views and {avg_seconds / 60:.1f} min on average",
        f"Visitors {visitors:,}: returning {returning:.1%}, logged in (stitched) {known:,}",
        "Sessions by channel:",
        *[f"  {c:<16} {n:>6,}  engaged {e:.1%}" for c, n, e in channels],
        f"Goals (rate = converting sessions / sessions; true rate leaves out the {support:.1%} of sessions "
        "whose intent does not count, e.g. support):",
        *[
            f"  {g:<18} {k:<5}{' (experimental)' if x else '':<15} {c:>6,} sessions  rate {c / n:6.2%}  "
            f"true rate {ce / ne if ne else float('nan'):6.2%}  value {v:>10,.2f}"
            for g, k, x, c, n, v, ce, ne in goals
        ],
        "Funnels (actors at each step; conversion from the previous step and from the start; median time):",
        *[
            f"  {f if step == 1 else '':<26} {step}. {name:<20} {reached:>6,}  {prev:6.1%}  {start:6.1%}"
            + (f"  {median / 60:7.1f} min" if median is not None else "")
            for f, step, name, reached, prev, start, median in funnel_steps
        ],
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="mc-report", description=__doc__)
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    ap.add_argument(
        "--database",
        type=Path,
        default=Path(os.environ.get("MC_DUCKDB_PATH", "build/micro_conversions.duckdb")),
    )
    args = ap.parse_args(argv)
    con = duckdb.connect(str(args.database), read_only=True)
    try:
        print(
            f"Marts in {args.database.resolve()} (schema main): fct_sessions, dim_visitors, dim_goals, "
            "fct_goal_completions, rpt_goal_conversion_daily(_by_channel_device), dim_funnels, fct_funnel_actors, "
            "rpt_funnel_steps(_daily, _by_channel_device)"
        )
        print(headline(con))
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
