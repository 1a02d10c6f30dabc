"""The marts recover what the generator planted, exactly."""

from __future__ import annotations

import pyarrow.compute as pc


def test_raw_rows_reconcile_with_planted_bad_rows(built_project):
    s = built_project.summary
    with built_project.connect() as con:
        staged = con.sql("select count(*) from stg_events").fetchone()[0]
        dups = con.sql(
            "select count(*) from stg_events_checked where quarantine_reason is null and event_id_rank > 1"
        ).fetchone()[0]
        reasons = dict(con.sql("select quarantine_reason, count(*) from stg_events_quarantine group by 1").fetchall())
    assert staged == s["staged"]
    assert dups == s["duplicates"]
    assert reasons == s["quarantine_reasons"]


def test_sessions_per_visitor_exact(built_project):
    truth = built_project.truth_sessions
    expected = {}
    for visitor in truth["visitor_id"].to_pylist():
        expected[visitor] = expected.get(visitor, 0) + 1
    with built_project.connect() as con:
        actual = dict(con.sql("select visitor_id, sessions from dim_visitors").fetchall())
    assert actual == expected


def test_each_session_matches_its_plant(built_project):
    """Start, end, counts, channel and device of every session, keyed by visitor and number."""
    truth = built_project.truth_sessions
    expected = {
        (r["visitor_id"], r["session_index"] + 1): (
            r["session_start_at"],
            r["session_end_at"],
            r["event_count"],
            r["page_views"],
            r["channel"],
            r["device_category"],
            float(r["duration_seconds"]),
        )
        for r in truth.to_pylist()
    }
    with built_project.connect() as con:
        rows = con.sql(
            """
            select visitor_id, session_number, session_start_at, session_end_at, event_count,
                   page_views, channel, device_category, duration_seconds
            from fct_sessions
            """
        ).fetchall()
    actual = {(r[0], r[1]): tuple(r[2:]) for r in rows}
    assert actual.keys() == expected.keys()
    mismatched = [k for k in expected if actual[k] != expected[k]]
    assert not mismatched, [(k, actual[k], expected[k]) for k in mismatched[:5]]


def test_identity_stitching(built_project):
    truth = built_project.truth_sessions
    expected = dict(zip(truth["visitor_id"].to_pylist(), truth["user_id"].to_pylist(), strict=True))
    with built_project.connect() as con:
        actual = dict(con.sql("select visitor_id, user_id from dim_visitors").fetchall())
        sessions_users = con.sql(
            "select count(*) from fct_sessions s join dim_visitors v using (visitor_id) "
            "where s.user_id is distinct from v.user_id"
        ).fetchone()[0]
    assert actual == expected
    assert sessions_users == 0
    # People with two devices: both devices carry the same user id.
    users = [u for u in actual.values() if u]
    assert len(users) > len(set(users))


def test_bots_flagged_and_kept_out_of_sessions(built_project):
    with built_project.connect() as con:
        bot_events = con.sql("select count(*) from stg_events where is_bot").fetchone()[0]
        human_bot_ids = con.sql(
            "select count(*) from stg_events where is_bot != starts_with(visitor_id, 'bot')"
        ).fetchone()[0]
        bot_sessions = con.sql("select count(*) from fct_sessions where visitor_id like 'bot%'").fetchone()[0]
    assert bot_events == built_project.summary["bot_events"]
    assert human_bot_ids == 0
    assert bot_sessions == 0


def test_no_personal_data_or_stray_parameters_after_staging(built_project):
    with built_project.connect() as con:
        leaks = con.sql(
            """
            select count(*) from stg_events
            where page_url like '%@%' or page_url like '%\\%40%' escape '\\'
               or page_path like '%@%' or page_url like '%email=%' or page_url like '%session_token%'
               or page_url like '%#%'
            """
        ).fetchone()[0]
        redacted = con.sql("select count(*) from stg_events where page_path like '%redacted-email%'").fetchone()[0]
        tagged = con.sql("select count(*) from stg_events where page_query like 'utm_source=%'").fetchone()[0]
    assert leaks == 0
    assert redacted > 0  # the generator plants e-mail addresses in paths
    assert tagged > 0


def test_truth_channels_cover_every_session(built_project):
    # Sanity of the fixture itself: every planted channel appears among the sessions.
    channels = set(pc.unique(built_project.truth_sessions["channel"]).to_pylist())
    with built_project.connect() as con:
        actual = {r[0] for r in con.sql("select distinct channel from fct_sessions").fetchall()}
    assert actual == channels
