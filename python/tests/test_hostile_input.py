"""A corpus of hostile raw events goes through the whole pipeline: every row lands in staging or in
quarantine with a reason, raw = staged + duplicates + quarantined, text survives byte for byte,
and nothing crashes (one visitor with a million events included).

Each hostile row carries an extra column `probe` (extra raw columns are carried through
`stg_events_checked`), so its fate can be looked up whatever its event_id is."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from micro_conversions.dbt_runner import configure_environment, failures, run_dbt
from micro_conversions.generate import Params, generate

# Slow tier (a million-event visitor): run by `make test` in CI and `make test-all`.
pytestmark = pytest.mark.slow

SITE = "https://shop.example.com"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
SQL_BITS = "'; drop table raw_events; -- \" ; select 1; /* */ \\ %_"
CONTROL = "a\tb\nc\rd\x01e\x7ff\u200bg\u202eh\ufffdi\U0001f600j"
BIG_URL = SITE + "/products/p01?" + "&".join(f"k{i}={'x' * 40}" for i in range(2500))  # ~110 kB
BIG_UA = UA + " " + "A" * 50_000
MILLION = 1_000_000


def row(probe, event_id="h-" + "{probe}", **values):
    base = {
        "event_id": event_id.format(probe=probe) if event_id else event_id,
        "event_at": "2026-03-10T12:00:00Z",
        "visitor_id": "hostile-visitor",
        "user_id": None,
        "event_name": "page_view",
        "page_url": SITE + "/",
        "referrer_url": None,
        "user_agent": UA,
        "device_category": "desktop",
        "revenue": None,
        "percent_scrolled": None,
        "loaded_at": "2026-03-10T12:05:00Z",
        "probe": probe,
    }
    base.update(values)
    return base


# probe -> (row, expected fate: 'staged', 'duplicate' or the quarantine reason)
CORPUS = {
    "null_event_id": (row("null_event_id", event_id=None), "missing_event_id"),
    "empty_event_id": (row("empty_event_id", event_id=""), "missing_event_id"),
    "blank_event_id": (row("blank_event_id", event_id="   "), "missing_event_id"),
    "null_visitor": (row("null_visitor", visitor_id=None), "missing_visitor_id"),
    "empty_visitor": (row("empty_visitor", visitor_id=""), "missing_visitor_id"),
    "null_name": (row("null_name", event_name=None), "missing_event_name"),
    "null_event_at": (row("null_event_at", event_at=None), "missing_event_at"),
    "garbage_event_at": (row("garbage_event_at", event_at="yesterday at noon"), "unparseable_event_at"),
    "impossible_day": (row("impossible_day", event_at="2026-02-30T10:00:00Z"), "unparseable_event_at"),
    "sql_event_at": (row("sql_event_at", event_at="2026-03-10'; drop table x; --"), "unparseable_event_at"),
    "far_future": (row("far_future", event_at="2999-01-01T00:00:00Z"), "event_at_in_future"),
    "before_2000": (row("before_2000", event_at="1999-12-31T23:59:59Z"), "event_at_too_early"),
    "epoch_zero": (row("epoch_zero", event_at="1970-01-01T00:00:00Z"), "event_at_too_early"),
    "offset_plus2": (row("offset_plus2", event_at="2026-03-10T14:00:00+02:00", visitor_id="offsets"), "staged"),
    "offset_zulu": (row("offset_zulu", event_at="2026-03-10T12:00:00Z", visitor_id="offsets"), "staged"),
    "offset_minus0530": (row("offset_minus0530", event_at="2026-03-10 06:30:00-05:30", visitor_id="offsets"), "staged"),
    "no_offset": (row("no_offset", event_at="2026-03-10 12:00:00", visitor_id="offsets"), "staged"),
    "bad_loaded_at": (row("bad_loaded_at", loaded_at="soon"), "unparseable_loaded_at"),
    "bad_revenue": (row("bad_revenue", event_name="purchase", revenue="12,50 EUR"), "unparseable_revenue"),
    "sql_revenue": (row("sql_revenue", event_name="purchase", revenue="1; drop table x"), "unparseable_revenue"),
    "scroll_words": (
        row("scroll_words", event_name="scroll", percent_scrolled="most of it"),
        "unparseable_percent_scrolled",
    ),
    "scroll_over": (row("scroll_over", event_name="scroll", percent_scrolled="150"), "percent_scrolled_out_of_range"),
    "scroll_negative": (
        row("scroll_negative", event_name="scroll", percent_scrolled="-1"),
        "percent_scrolled_out_of_range",
    ),
    "scroll_full": (row("scroll_full", event_name="scroll", percent_scrolled=" 100 "), "staged"),
    # Duplicates: identical payload delivered twice; conflicting payloads under one id.
    "dup_first": (row("dup_first", event_id="dup-1", loaded_at="2026-03-10T12:05:00Z"), "staged"),
    "dup_again": (row("dup_again", event_id="dup-1", loaded_at="2026-03-10T13:05:00Z"), "duplicate"),
    "conflict_first": (row("conflict_first", event_id="dup-2", event_name="add_to_cart"), "staged"),
    "conflict_later": (
        row("conflict_later", event_id="dup-2", event_name="purchase", revenue="99", loaded_at="2026-03-10T14:00:00Z"),
        "duplicate",
    ),
    # Enormous, quoted, SQL-looking and control-character text: kept as data, never executed.
    "big_url": (row("big_url", page_url=BIG_URL), "staged"),
    "big_ua": (row("big_ua", user_agent=BIG_UA), "staged"),
    "sql_everywhere": (
        row(
            "sql_everywhere",
            event_id="id" + SQL_BITS,
            visitor_id="v" + SQL_BITS,
            user_id="u" + SQL_BITS,
            event_name="page_view",
            page_url=SITE + "/it's/a;path?utm_source=x'y;z",
            referrer_url="https://evil.example.net/?q=" + SQL_BITS,
            user_agent=UA + SQL_BITS,
            device_category="desk'top",
        ),
        "staged",
    ),
    "control_chars": (
        row(
            "control_chars",
            event_id="ctl" + CONTROL,
            visitor_id="vctl" + CONTROL,
            page_url=SITE + "/" + CONTROL,
            user_agent=UA + CONTROL,
        ),
        "staged",
    ),
    "sql_event_name": (row("sql_event_name", event_name="page_view'); delete from raw_events; --"), "staged"),
}


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile")
    good, _, summary = generate(Params(people=150, seed=5, start="2026-03-01", days=20))
    good = good.cast(pa.schema([(f.name, pa.string()) for f in good.schema]))
    good = good.append_column("probe", pa.nulls(good.num_rows, pa.string()))
    hostile = pa.Table.from_pylist([r for r, _ in CORPUS.values()], schema=good.schema)
    # One visitor with a million page views, one second apart: a single 11.6-day session.
    seconds = pa.array(range(MILLION), pa.int64())
    stamps = pc.strftime(
        pc.add(
            pa.scalar(1_772_323_200 * 1_000_000, pa.timestamp("us")),
            pc.multiply(seconds, 1_000_000).cast(pa.duration("us")),
        ),
        format="%Y-%m-%dT%H:%M:%SZ",
    )
    heavy = pa.table(
        {
            "event_id": pc.binary_join_element_wise("heavy-", pc.cast(seconds, pa.string()), ""),
            "event_at": stamps,
            "visitor_id": pa.array(["heavy-visitor"] * MILLION),
            "user_id": pa.nulls(MILLION, pa.string()),
            "event_name": pa.array(["page_view"] * MILLION),
            "page_url": pa.array([SITE + "/products/p01"] * MILLION),
            "referrer_url": pa.nulls(MILLION, pa.string()),
            "user_agent": pa.array([UA] * MILLION),
            "device_category": pa.array(["desktop"] * MILLION),
            "revenue": pa.nulls(MILLION, pa.string()),
            "percent_scrolled": pa.nulls(MILLION, pa.string()),
            "loaded_at": stamps,
            "probe": pa.nulls(MILLION, pa.string()),
        }
    )
    raw = pa.concat_tables([good, hostile, heavy])
    database = work / "hostile.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema business")
        con.register("raw_arrow", raw)
        con.execute("create table business.raw_events as select * from raw_arrow")
    configure_environment(database)
    result = run_dbt(
        ["build", "--exclude", "test_type:unit"],
        dbt_vars={"micro_conversions__raw_events_relation": "business.raw_events"},
        target_path=work / "target",
    )
    return database, result, raw.num_rows


def test_the_build_does_not_crash(hostile_build):
    _, result, _ = hostile_build
    assert result.success, failures(result)


def test_every_hostile_row_lands_where_expected(hostile_build):
    database, _, _ = hostile_build
    with duckdb.connect(str(database), read_only=True) as con:
        fates = dict(
            con.sql(
                """
                select probe, case
                    when quarantine_reason is not null then quarantine_reason
                    when event_id_rank = 1 then 'staged'
                    else 'duplicate' end
                from main.stg_events_checked where probe is not null
                """
            ).fetchall()
        )
    assert fates == {probe: fate for probe, (_, fate) in CORPUS.items()}


def test_raw_rows_reconcile(hostile_build):
    database, _, raw_rows = hostile_build
    with duckdb.connect(str(database), read_only=True) as con:
        staged = con.sql("select count(*) from main.stg_events").fetchone()[0]
        quarantined = con.sql("select count(*) from main.stg_events_quarantine").fetchone()[0]
        duplicates = con.sql(
            "select count(*) from main.stg_events_checked where quarantine_reason is null and event_id_rank > 1"
        ).fetchone()[0]
        reasons = {r[0] for r in con.sql("select quarantine_reason from main.stg_events_quarantine").fetchall()}
    assert raw_rows == staged + duplicates + quarantined
    assert None not in reasons
    expected_reasons = {fate for _, fate in CORPUS.values() if fate not in ("staged", "duplicate")}
    assert expected_reasons <= reasons


def test_quarantined_rows_keep_their_raw_text(hostile_build):
    database, _, _ = hostile_build
    with duckdb.connect(str(database), read_only=True) as con:
        kept = dict(
            con.sql(
                "select event_id, event_at from main.stg_events_quarantine "
                "where event_id in ('h-sql_event_at', 'h-far_future')"
            ).fetchall()
        )
    assert kept == {"h-sql_event_at": "2026-03-10'; drop table x; --", "h-far_future": "2999-01-01T00:00:00Z"}


def test_text_survives_byte_for_byte(hostile_build):
    database, _, _ = hostile_build
    sql_row, _ = CORPUS["sql_everywhere"]
    ctl_row, _ = CORPUS["control_chars"]
    with duckdb.connect(str(database), read_only=True) as con:
        staged = {
            r[0]: r[1:]
            for r in con.sql(
                "select event_id, visitor_id, user_agent, page_path, device_category, event_name from main.stg_events "
                "where event_id in ($1, $2, 'h-sql_event_name', 'h-big_ua', 'h-big_url')",
                params=[sql_row["event_id"], ctl_row["event_id"]],
            ).fetchall()
        }
    assert staged[sql_row["event_id"]][:2] == (sql_row["visitor_id"], sql_row["user_agent"])
    assert staged[sql_row["event_id"]][2] == "/it's/a;path"
    assert staged[ctl_row["event_id"]][:2] == (ctl_row["visitor_id"], ctl_row["user_agent"])
    assert staged["h-sql_event_name"][4] == "page_view'); delete from raw_events; --"
    assert staged["h-big_ua"][1] == BIG_UA
    assert staged["h-big_url"][2] == "/products/p01"


def test_offsets_are_converted_to_utc(hostile_build):
    database, _, _ = hostile_build
    with duckdb.connect(str(database), read_only=True) as con:
        times = {
            r[0]: str(r[1])
            for r in con.sql("select event_id, event_at from main.stg_events where visitor_id = 'offsets'").fetchall()
        }
    assert set(times.values()) == {"2026-03-10 12:00:00"}
    assert len(times) == 4


def test_a_visitor_with_a_million_events_is_one_session(hostile_build):
    database, _, _ = hostile_build
    with duckdb.connect(str(database), read_only=True) as con:
        sessions = con.sql(
            "select count(*), sum(event_count), max(duration_seconds) from main.fct_sessions "
            "where visitor_id = 'heavy-visitor'"
        ).fetchone()
    assert sessions == (1, MILLION, MILLION - 1)
