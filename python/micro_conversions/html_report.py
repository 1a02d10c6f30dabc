"""One self-contained HTML page of charts from the published marts (`mc-report --html`).

The page needs no network to render: plotly.js is inlined once, every chart is drawn from data
embedded in the page, and there is no link to a CDN, a font service or an image elsewhere. Each
chart's `<div>` has a stable id (see CHARTS) so tests and readers can find it.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path

import duckdb

# Sankey: the first transitions of the goal journeys, and only links that carry at least this
# share of the visitors who started (the rest would be hairlines).
SANKEY_MAX_STEP = 3
SANKEY_MIN_SHARE = 0.01
GREY, BLUE, RED, ORANGE = "#9aa0a6", "#1a73e8", "#d93025", "#e8710a"


@dataclass
class Chart:
    div_id: str
    title: str
    note: str
    figure: object  # plotly.graph_objects.Figure


def _rows(con, sql: str, params=None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _layout(fig, height: int = 320, **kwargs):
    fig.update_layout(
        height=height,
        margin=dict(l=60, r=20, t=10, b=40),
        showlegend=kwargs.pop("showlegend", False),
        plot_bgcolor="white",
        font=dict(family="DejaVu Sans, Arial, sans-serif", size=12),
        **kwargs,
    )
    fig.update_xaxes(gridcolor="#eee", zeroline=False)
    fig.update_yaxes(gridcolor="#eee", zeroline=False)
    return fig


def sankey_links(con) -> list[dict]:
    """The goal-transition links drawn in the Sankey (rule in SANKEY_MAX_STEP / SANKEY_MIN_SHARE)."""
    return _rows(
        con,
        """
        with started as (
            select sum(visitors) as started_visitors from rpt_goal_transitions where step_number = 0
        )
        select step_number, from_goal_id, to_goal_id, visitors
        from rpt_goal_transitions, started
        where step_number <= ? and visitors >= ? * started_visitors
        order by step_number, visitors desc, from_goal_id, to_goal_id
        """,
        [SANKEY_MAX_STEP, SANKEY_MIN_SHARE],
    )


def funnel_charts(con) -> list[Chart]:
    import plotly.graph_objects as go

    charts = []
    funnels = _rows(con, "select distinct funnel_id, funnel_name, scope, ordering from dim_funnels order by funnel_id")
    for funnel in funnels:
        steps = _rows(
            con,
            "select * from rpt_funnel_steps where funnel_id = ? order by step_number",
            [funnel["funnel_id"]],
        )
        labels = [f"{s['step_number']}. {s['step_name']}" for s in steps]
        text = [
            f"{s['actors_reached']:,}"
            if s["step_number"] == 1
            else f"{s['actors_reached']:,} · {s['conversion_rate_from_previous'] or 0:.1%} of previous · "
            f"drop-off {s['drop_off']:,}"
            for s in steps
        ]
        fig = go.Figure(
            go.Bar(
                x=[s["actors_reached"] for s in steps],
                y=labels,
                orientation="h",
                marker_color=BLUE,
                text=text,
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{x:,} actors<extra></extra>",
            )
        )
        _layout(fig, height=90 + 45 * len(steps))
        fig.update_yaxes(autorange="reversed")
        # Room on the right for the labels of the shorter bars.
        fig.update_xaxes(range=[0, 1.9 * max([s["actors_reached"] for s in steps] + [1])])
        charts.append(
            Chart(
                f"funnel-{funnel['funnel_id']}",
                f"Funnel: {funnel['funnel_name']}",
                f"Actors ({funnel['scope']}s) at their furthest step; {funnel['ordering']} steps.",
                fig,
            )
        )
    return charts


def rate_charts(con) -> list[Chart]:
    import plotly.graph_objects as go

    charts = []
    goals = _rows(
        con,
        """
        select goal_id, goal_name, goal_kind from dim_goals where not is_experimental
        order by goal_kind, goal_id
        """,
    )
    for goal in goals:
        days = _rows(
            con,
            """
            select daily.session_date, daily.conversion_rate, daily.conversion_rate_lower,
                   daily.conversion_rate_upper, coalesce(anomalies.is_anomaly, false) as is_anomaly
            from rpt_goal_conversion_daily as daily
            left join rpt_goal_conversion_anomalies as anomalies
                on daily.session_date = anomalies.session_date and daily.goal_id = anomalies.goal_id
            where daily.goal_id = ?
            order by daily.session_date
            """,
            [goal["goal_id"]],
        )
        if not days:
            continue
        x = [d["session_date"] for d in days]
        fig = go.Figure()
        fig.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=[d["conversion_rate_upper"] for d in days] + [d["conversion_rate_lower"] for d in days][::-1],
                fill="toself",
                fillcolor="rgba(26,115,232,0.15)",
                line=dict(width=0),
                hoverinfo="skip",
                name="Wilson 95% interval",
            )
        )
        fig.add_trace(
            go.Scatter(x=x, y=[d["conversion_rate"] for d in days], mode="lines", line_color=BLUE, name="rate")
        )
        anomalies = [d for d in days if d["is_anomaly"]]
        fig.add_trace(
            go.Scatter(
                x=[d["session_date"] for d in anomalies],
                y=[d["conversion_rate"] for d in anomalies],
                mode="markers",
                marker=dict(color=RED, size=10, symbol="circle-open", line=dict(width=2)),
                name="anomaly",
            )
        )
        _layout(fig, height=240)
        fig.update_yaxes(tickformat=".1%", rangemode="tozero")
        charts.append(
            Chart(
                f"rate-{goal['goal_id']}",
                f"{goal['goal_name']} ({goal['goal_kind']}): daily session conversion rate",
                f"Line: the rate; band: its Wilson 95% interval; circles: anomaly days ({len(anomalies)}).",
                fig,
            )
        )
    return charts


def sankey_chart(con) -> Chart:
    import plotly.graph_objects as go

    links = sankey_links(con)
    nodes = sorted(
        {(link["step_number"], link["from_goal_id"]) for link in links}
        | {(link["step_number"] + 1, link["to_goal_id"]) for link in links}
    )
    index = {node: i for i, node in enumerate(nodes)}
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node=dict(
                label=[goal for _, goal in nodes],
                color=[GREY if goal in ("(start)", "(drop-off)") else BLUE for _, goal in nodes],
                pad=12,
            ),
            link=dict(
                source=[index[(lk["step_number"], lk["from_goal_id"])] for lk in links],
                target=[index[(lk["step_number"] + 1, lk["to_goal_id"])] for lk in links],
                value=[lk["visitors"] for lk in links],
            ),
        )
    )
    _layout(fig, height=520)
    return Chart(
        "goal-flow",
        "Goal flow: how visitors move from one goal to the next",
        f"rpt_goal_transitions, first {SANKEY_MAX_STEP + 1} transitions, links with at least "
        f"{SANKEY_MIN_SHARE:.0%} of the visitors who started.",
        fig,
    )


def lift_charts(con) -> list[Chart]:
    import plotly.graph_objects as go

    charts = []
    for (macro,) in con.sql("select distinct macro_goal_id from rpt_micro_conversion_lift order by 1").fetchall():
        rows = _rows(
            con,
            """
            select micro_goal_id, odds_ratio, odds_ratio_lower, odds_ratio_upper, is_low_support,
                   is_structural_prerequisite
            from rpt_micro_conversion_lift
            where macro_goal_id = ? and odds_ratio is not null and odds_ratio > 0
            order by odds_ratio
            """,
            [macro],
        )
        fig = go.Figure(
            go.Scatter(
                x=[r["odds_ratio"] for r in rows],
                y=[r["micro_goal_id"] + (" (prerequisite)" if r["is_structural_prerequisite"] else "") for r in rows],
                mode="markers",
                marker=dict(
                    color=[GREY if r["is_low_support"] else ORANGE for r in rows],
                    symbol=["diamond-open" if r["is_structural_prerequisite"] else "circle" for r in rows],
                    size=10,
                ),
                error_x=dict(
                    type="data",
                    symmetric=False,
                    array=[r["odds_ratio_upper"] - r["odds_ratio"] for r in rows],
                    arrayminus=[r["odds_ratio"] - r["odds_ratio_lower"] for r in rows],
                    color=GREY,
                ),
                hovertemplate="%{y}: odds ratio %{x:.2f}<extra></extra>",
            )
        )
        fig.add_vline(x=1, line_dash="dot", line_color=GREY)
        _layout(fig, height=90 + 28 * len(rows))
        fig.update_xaxes(type="log", title="odds ratio (log scale)")
        charts.append(
            Chart(
                f"lift-{macro}",
                f"Lift of each micro goal on {macro}",
                "Odds ratio of converting with vs without the micro goal, with its 95% interval; "
                "grey: low support (too few visitors to read); open diamonds: structural prerequisites "
                "(no converter without them: how the site is built, not an insight).",
                fig,
            )
        )
    return charts


def segment_chart(con) -> Chart:
    import plotly.graph_objects as go

    rows = _rows(
        con,
        """
        select segment, visitors, visitor_conversion_rate, visitor_conversion_rate_lower,
               visitor_conversion_rate_upper
        from rpt_conversion_by_segment where visitors > 0 order by priority, segment
        """,
    )
    fig = go.Figure(
        go.Bar(
            x=[r["segment"] for r in rows],
            y=[r["visitor_conversion_rate"] for r in rows],
            marker_color=BLUE,
            error_y=dict(
                type="data",
                symmetric=False,
                array=[r["visitor_conversion_rate_upper"] - r["visitor_conversion_rate"] for r in rows],
                arrayminus=[r["visitor_conversion_rate"] - r["visitor_conversion_rate_lower"] for r in rows],
                color=GREY,
            ),
            text=[f"{r['visitors']:,} visitors" for r in rows],
            textposition="outside",
        )
    )
    _layout(fig, height=320)
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return Chart(
        "segments",
        "Visitor conversion rate by segment",
        "Visitors who completed a macro goal / visitors, with the Wilson 95% interval.",
        fig,
    )


def build_charts(con) -> list[Chart]:
    return [*funnel_charts(con), *rate_charts(con), sankey_chart(con), *lift_charts(con), segment_chart(con)]


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:">
<title>micro_conversions report</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 24px auto; max-width: 1100px; color: #202124; }}
h1 {{ font-size: 22px; margin-bottom: 4px; }} h2 {{ font-size: 17px; margin: 28px 0 2px; }}
h3 {{ font-size: 14px; margin: 18px 0 0; }} p.note {{ color: #5f6368; font-size: 12px; margin: 2px 0 4px; }}
.grid {{ display: grid; grid-template-columns: 1fr 1fr; gap: 0 24px; }}
</style>
<script>{plotly_js}</script>
</head><body>
<h1>micro_conversions report</h1>
<p class="note">From the published marts in {source}; {published}. Generated {generated} UTC.</p>
{sections}
</body></html>
"""


def _section(title: str, charts: list[Chart], grid: bool = False) -> str:
    if not charts:
        return ""
    body = "".join(
        f"<div><h3>{html.escape(c.title)}</h3><p class='note'>{html.escape(c.note)}</p>"
        + c.figure.to_html(full_html=False, include_plotlyjs=False, div_id=c.div_id, config={"displayModeBar": False})
        + "</div>"
        for c in charts
    )
    return f"<h2>{html.escape(title)}</h2>" + (f"<div class='grid'>{body}</div>" if grid else body)


def write_html_report(published: Path, out: Path) -> list[Chart]:
    """Writes the page for the published DuckDB file `published` to `out`; returns its charts."""
    from plotly.offline import get_plotlyjs

    with duckdb.connect(str(published), read_only=True) as con:
        last = con.sql("select max(published_at), any_value(run_id order by published_at desc) from publish_audit")
        published_at, run_id = last.fetchone()
        funnels, rates = funnel_charts(con), rate_charts(con)
        sankey, lifts, segments = sankey_chart(con), lift_charts(con), segment_chart(con)
    sections = "".join(
        [
            _section("Funnels", funnels, grid=True),
            _section("Daily conversion rate per goal", rates, grid=True),
            _section("Goal flow", [sankey]),
            _section("Which micro goals go with conversion", lifts),
            _section("Segments", [segments]),
        ]
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        PAGE.format(
            plotly_js=get_plotlyjs(),
            source=html.escape(published.name),
            published=f"published {published_at:%Y-%m-%d %H:%M} UTC (run {html.escape(str(run_id))})",
            generated=f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M}",
            sections=sections,
        ),
        encoding="utf-8",
    )
    return [*funnels, *rates, sankey, *lifts, segments]
