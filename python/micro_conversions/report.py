"""What the published marts say: a terminal report covering every public mart, and with --html a
self-contained page of charts (no network needed to view it).

    mc-report                                  # reads published/micro_conversions.duckdb (MC_PUBLISHED_PATH)
    mc-report --html build/report/index.html   # and writes the charts
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import duckdb

from micro_conversions import __version__

DEFAULT_HTML = "build/report/index.html"


def _pct(value) -> str:
    return "   n/a" if value is None else f"{value:6.1%}"


def data_quality(work: duckdb.DuckDBPyConnection) -> list[str]:
    """Raw-row reconciliation and quarantine, from the working database (not published)."""
    one = lambda sql: work.sql(sql).fetchone()  # noqa: E731
    staging = {"stg_events_checked", "stg_events", "stg_events_quarantine"}
    present = {row[0] for row in work.sql("select table_name from information_schema.tables").fetchall()}
    if not staging <= present:
        return [
            "Raw rows: not reconciled (the working database has no staging tables: "
            + ", ".join(sorted(staging - present))
            + " missing)"
        ]
    raw, staged, dups, quarantined = one(
        """
        select
            (select count(*) from stg_events_checked),
            (select count(*) from stg_events),
            (select count(*) from stg_events_checked where quarantine_reason is null and event_id_rank > 1),
            (select count(*) from stg_events_quarantine)
        """
    )
    reasons = work.sql(
        "select quarantine_reason, count(*) from stg_events_quarantine group by 1 order by 2 desc, 1"
    ).fetchall()
    bots = one("select count(*) from stg_events where is_bot")[0]
    return [
        f"Raw rows {raw:,} = staged {staged:,} + duplicates {dups:,} + quarantined {quarantined:,}"
        f"{'' if raw == staged + dups + quarantined else '  (DOES NOT RECONCILE)'}",
        "  quarantined by reason: " + (", ".join(f"{r} {n}" for r, n in reasons) or "none"),
        f"  bot events flagged and left out of sessions: {bots:,}",
    ]


def sessions_section(con) -> list[str]:
    one = lambda sql: con.sql(sql).fetchone()  # noqa: E731
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
    channels = con.sql(
        """
        select channel, count(*), avg(case when is_engaged then 1.0 else 0 end)
        from fct_sessions group by 1 order by 2 desc, 1
        """
    ).fetchall()
    return [
        f"fct_sessions: {sessions:,} sessions: engaged {engaged:.1%}, bounce {bounces:.1%}, "
        f"{avg_pages:.1f} page views and {avg_seconds / 60:.1f} min on average",
        f"dim_visitors: {visitors:,} visitors: returning {returning:.1%}, logged in (stitched) {known:,}",
        "  sessions by channel:",
        *[f"    {c:<16} {n:>7,}  engaged {e:.1%}" for c, n, e in channels],
    ]


def goals_section(con) -> list[str]:
    goals = con.sql(
        """
        select daily.goal_id, any_value(daily.goal_kind), any_value(daily.is_experimental),
               sum(converting_sessions), sum(sessions), sum(daily.goal_value),
               sum(converting_intent_eligible_sessions), sum(intent_eligible_sessions)
        from rpt_goal_conversion_daily as daily
        group by daily.goal_id
        order by any_value(daily.goal_kind), sum(converting_sessions) desc
        """
    ).fetchall()
    configured = con.sql("select count(*), count(*) filter (where is_experimental) from dim_goals").fetchone()
    completions = con.sql("select count(*), sum(completions) from fct_goal_completions").fetchone()
    anomalies = con.sql(
        """
        select goal_id, count(*) filter (where is_anomaly), max(session_date) filter (where is_anomaly)
        from rpt_goal_conversion_anomalies group by 1 having count(*) filter (where is_anomaly) > 0
        order by 2 desc, 1
        """
    ).fetchall()
    best_channel = con.sql(
        """
        with by_channel as (
            select goal_id, channel, sum(converting_sessions) as converting, sum(sessions) as sessions
            from rpt_goal_conversion_daily_by_channel_device
            where goal_kind = 'macro' and not is_experimental
            group by 1, 2 having sum(sessions) >= 100
        )
        select goal_id, arg_max(channel, converting / sessions), max(converting / sessions)
        from by_channel group by 1 order by 1
        """
    ).fetchall()
    support = con.sql(
        "select avg(case when counts_toward_conversion_rate then 0.0 else 1 end) from fct_sessions"
    ).fetchone()[0]
    return [
        f"dim_goals: {configured[0]} goals ({configured[1]} experimental); fct_goal_completions: "
        f"{completions[0]:,} session x goal rows, {completions[1]:,} completions",
        f"rpt_goal_conversion_daily (rate = converting sessions / sessions; the true rate leaves out the "
        f"{support:.1%} of sessions whose intent does not count, e.g. support):",
        *[
            f"  {g:<18} {k:<5}{' (experimental)' if x else '':<15} {c:>7,} sessions  rate {c / n:6.2%}  "
            f"true rate {ce / ne if ne else float('nan'):6.2%}  value {v:>12,.2f}"
            for g, k, x, c, n, v, ce, ne in goals
        ],
        "rpt_goal_conversion_daily_by_channel_device: best channel per macro goal (channels with 100+ sessions): "
        + (", ".join(f"{g} {c} {r:.2%}" for g, c, r in best_channel) or "none"),
        "rpt_goal_conversion_anomalies: "
        + (", ".join(f"{g} {n} day(s), last {d}" for g, n, d in anomalies) or "no anomaly day"),
    ]


def funnels_section(con) -> list[str]:
    steps = con.sql(
        """
        select funnel_id, step_number, step_name, actors_reached, conversion_rate_from_previous,
               conversion_rate_from_start, median_seconds_from_previous
        from rpt_funnel_steps order by funnel_id, step_number
        """
    ).fetchall()
    config = con.sql(
        "select funnel_id, any_value(scope), any_value(ordering), count(*) from dim_funnels group by 1 order by 1"
    ).fetchall()
    actors = dict(
        con.sql("select funnel_id, count(*) filter (where is_window_open) from fct_funnel_actors group by 1").fetchall()
    )
    days = con.sql("select count(distinct entry_date) from rpt_funnel_steps_daily").fetchone()[0]
    cells = con.sql(
        "select count(distinct (entry_channel, entry_device_category)) from rpt_funnel_steps_by_channel_device"
    ).fetchone()[0]
    return [
        "dim_funnels: " + ", ".join(f"{f} ({scope}, {ordering}, {n} steps)" for f, scope, ordering, n in config),
        "rpt_funnel_steps (actors at each step; conversion from the previous step and from the start; "
        "median time; fct_funnel_actors: actors whose window is still open):",
        *[
            f"  {f if step == 1 else '':<26} {step}. {name:<20} {reached:>7,}  {_pct(prev)}  {_pct(start)}"
            + (f"  {median / 60:7.1f} min" if median is not None else "")
            + (f"   ({actors.get(f, 0):,} open)" if step == 1 else "")
            for f, step, name, reached, prev, start, median in steps
        ],
        f"rpt_funnel_steps_daily: {days} entry days; "
        f"rpt_funnel_steps_by_channel_device: {cells} channel x device cells",
    ]


def journeys_section(con) -> list[str]:
    paths = con.sql(
        """
        select goal_path, visitors, converting_visitors, conversion_rate from rpt_goal_paths
        order by converting_visitors desc, visitors desc, goal_path limit 5
        """
    ).fetchall()
    transitions = con.sql(
        """
        select step_number, from_goal_id, to_goal_id, visitors from rpt_goal_transitions
        where to_goal_id <> '(drop-off)' order by visitors desc, step_number limit 5
        """
    ).fetchall()
    lifts = con.sql(
        """
        select micro_goal_id, macro_goal_id, odds_ratio, fisher_log10_p_value, fisher_q_value,
               is_structural_prerequisite
        from rpt_micro_conversion_lift
        where not is_low_support and odds_ratio is not null
        order by is_structural_prerequisite, fisher_log10_p_value, micro_goal_id limit 6
        """
    ).fetchall()
    values = con.sql(
        """
        select goal_id, configured_goal_value, estimated_value_per_completion from rpt_micro_conversion_value
        where not is_low_support order by estimated_value_per_completion desc nulls last limit 5
        """
    ).fetchall()
    segments = con.sql(
        """
        select segment, visitors, visitor_conversion_rate from rpt_conversion_by_segment
        order by priority, segment
        """
    ).fetchall()
    return [
        "rpt_goal_paths (top paths by converting visitors):",
        *[f"  {p[:60]:<60} {v:>6,} visitors {c:>5,} converted  {_pct(r)}" for p, v, c, r in paths],
        "rpt_goal_transitions (largest moves between goals):",
        *[f"  step {s}: {a} -> {b}  {v:,} visitors" for s, a, b, v in transitions],
        "rpt_micro_conversion_lift (strongest associations with enough support; structural prerequisites last):",
        *[
            f"  {m:<18} -> {g:<10} odds ratio {o:8.2f}  log10 p {lp:8.1f}  "
            + ("structural prerequisite (no converter without it)" if structural else f"q {q:.3g}")
            for m, g, o, lp, q, structural in lifts
        ],
        "rpt_micro_conversion_value (estimated vs configured value per completion):",
        *[
            f"  {g:<18} estimated {e if e is not None else float('nan'):8.2f}  configured "
            f"{c if c is not None else float('nan'):6.2f}"
            for g, c, e in values
        ],
        "rpt_conversion_by_segment:",
        *[f"  {s:<20} {v:>7,} visitors  converted {_pct(r)}" for s, v, r in segments],
    ]


def attribution_section(con) -> list[str]:
    rows = con.sql(
        """
        select macro_goal_id, channel,
               sum(attributed_conversions) filter (where attribution_model = 'first_touch'),
               sum(attributed_conversions) filter (where attribution_model = 'last_touch'),
               sum(attributed_conversions) filter (where attribution_model = 'linear'),
               sum(attributed_conversions) filter (where attribution_model = 'time_decay')
        from rpt_channel_attribution group by 1, 2
        order by 1, sum(attributed_conversions) filter (where attribution_model = 'linear') desc nulls last, 2
        """
    ).fetchall()
    campaigns = con.sql(
        """
        select macro_goal_id, traffic_campaign, sum(attributed_conversions)
        from rpt_campaign_attribution
        where attribution_model = 'linear' and traffic_campaign != '(none)'
        group by 1, 2 order by 3 desc, 1, 2 limit 3
        """
    ).fetchall()
    return [
        "rpt_channel_attribution (conversions credited: first touch / last touch / linear / time decay; "
        "a rule, not a causal estimate):",
        *[
            f"  {g:<10} {c:<16} {f or 0:7.1f} {la or 0:7.1f} {li or 0:7.1f} {td or 0:7.1f}"
            for g, c, f, la, li, td in rows
        ],
        "rpt_campaign_attribution (top campaigns, linear): "
        + (", ".join(f"{c} {n:.1f} ({g})" for g, c, n in campaigns) or "none"),
    ]


def timing_section(con) -> list[str]:
    goals = con.sql(
        """
        select macro_goal_id, string_agg(duration_bucket || ' ' || converters, ', ' order by bucket_number)
        from rpt_time_to_convert group by 1 order by 1
        """
    ).fetchall()
    steps = con.sql(
        """
        select funnel_id, step_number,
               string_agg(duration_bucket || ' ' || actors, ', ' order by bucket_number)
        from rpt_funnel_step_durations group by 1, 2 order by 1, 2
        """
    ).fetchall()
    retention = con.sql(
        """
        select week_number, sum(active_visitors) / sum(cohort_visitors)
        from rpt_retention_cohorts where not is_censored and week_number between 1 and 4
        group by 1 order by 1
        """
    ).fetchall()
    repeat = con.sql(
        """
        select macro_goal_id, sum(repeat_converting_visitors), sum(converting_visitors)
        from rpt_repeat_conversion_cohorts group by 1 order by 1
        """
    ).fetchall()
    return [
        "rpt_time_to_convert (visitors by time from the first visit to the first conversion):",
        *[f"  {g}: {buckets}" for g, buckets in goals],
        "rpt_funnel_step_durations (actors by time from the previous step):",
        *[f"  {f} step {n}: {buckets}" for f, n, buckets in steps],
        "rpt_retention_cohorts (share of a cohort active N weeks later, finished weeks only): "
        + (", ".join(f"week {w} {r:.1%}" for w, r in retention) or "no finished week yet"),
        "rpt_repeat_conversion_cohorts: "
        + (", ".join(f"{g} {r:,} repeat of {c:,} visitor-weeks converting" for g, r, c in repeat) or "none"),
    ]


def published_line(con) -> str:
    when, run_id, marts = con.sql(
        """
        select published_at, run_id, count(*) from publish_audit
        where published_at = (select max(published_at) from publish_audit) group by all
        """
    ).fetchone()
    first, last = con.sql("select min(date_day), max(date_day) from dim_dates").fetchone()
    return f"Published {when:%Y-%m-%d %H:%M} UTC, run {run_id}: {marts} marts (dim_dates: calendar {first} to {last})"


def report(con, work: duckdb.DuckDBPyConnection | None = None) -> str:
    lines = [published_line(con)]
    if work is not None:
        lines += data_quality(work)
    lines += [*sessions_section(con), *goals_section(con), *funnels_section(con), *journeys_section(con)]
    lines += [*attribution_section(con), *timing_section(con)]
    return "\n".join(lines)


def main(argv=None) -> int:
    from micro_conversions.publish import published_path

    ap = argparse.ArgumentParser(prog="mc-report", description=__doc__)
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    ap.add_argument("--published", type=Path, default=None, help="published DuckDB file (default: MC_PUBLISHED_PATH)")
    ap.add_argument(
        "--database",
        type=Path,
        default=Path(os.environ["MC_DUCKDB_PATH"]) if os.environ.get("MC_DUCKDB_PATH") else None,
        help="working database, for the raw-row reconciliation (optional; default MC_DUCKDB_PATH)",
    )
    ap.add_argument("--html", type=Path, nargs="?", const=Path(DEFAULT_HTML), default=None, help="write the charts")
    args = ap.parse_args(argv)
    published = args.published or published_path()
    if not published.exists():
        raise SystemExit(f"mc-report: no published marts at {published}: run mc-publish (or make demo) first")
    with duckdb.connect(str(published), read_only=True) as con:
        work = None
        if args.database is not None and args.database.exists():
            work = duckdb.connect(str(args.database), read_only=True)
        try:
            print(f"Published marts in {published.resolve()}")
            print(report(con, work))
        finally:
            if work is not None:
                work.close()
    if args.html is not None:
        from micro_conversions.html_report import write_html_report

        charts = write_html_report(published, args.html)
        print(f"Charts ({len(charts)}): {args.html.resolve()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
