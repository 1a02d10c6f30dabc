"""Synthetic raw web events with a known ground truth.

The generator plants everything the marts must recover: people with one or two devices,
sessions separated by gaps longer than the inactivity timeout (and events inside a session
separated by at most the timeout, a gap of exactly the timeout included), logins part-way
through a device's history, traffic channels, bots, micro-conversions whose presence raises
the chance of a purchase by a known factor, support-only visits, and a small share of bad rows
(duplicates, missing ids, bad timestamps).

Everything is vectorised with numpy and pyarrow so ten million events take seconds, and the
output depends only on the parameters and the random seed.

    mc-generate --people 3000 --seed 7 --out seeds/raw_events.csv --truth-dir build/truth
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from micro_conversions import __version__

SITE = "https://shop.example.com"
TIMEOUT_SECONDS = 30 * 60

CHANNELS = [
    # name, share of sessions, the channel the marts must report
    ("direct", 0.22, "Direct"),
    ("organic_search", 0.28, "Organic Search"),
    ("paid_search", 0.12, "Paid Search"),
    ("organic_social", 0.10, "Organic Social"),
    ("paid_social", 0.08, "Paid Social"),
    ("email", 0.10, "Email"),
    ("referral", 0.10, "Referral"),
]
SEARCH_REFERRERS = ["https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/"]
SOCIAL_REFERRERS = [
    "https://www.facebook.com/",
    "https://t.co/x1y2z3",
    "https://www.linkedin.com/feed/",
    "https://www.reddit.com/r/gadgets/",
]
REFERRAL_REFERRERS = [
    "https://partner-blog.example.org/best-picks-2026",
    "https://news.example.net/reviews/shop",
    "https://forum.example.io/t/where-to-buy/123",
]
PAID_SEARCH_QUERIES = [
    "?utm_source=google&utm_medium=cpc&utm_campaign=brand_search&gclid=Cj0KCQ",
    "?utm_source=google&utm_medium=cpc&utm_campaign=generic_gadgets&gclid=Cj1KDR",
    "?utm_source=bing&utm_medium=cpc&utm_campaign=brand_search",
]
PAID_SOCIAL_QUERIES = [
    "?utm_source=facebook&utm_medium=paid_social&utm_campaign=autumn_sale",
    "?utm_source=instagram&utm_medium=paid_social&utm_campaign=autumn_sale&utm_content=reel_a",
]
EMAIL_QUERIES = [
    "?utm_source=newsletter&utm_medium=email&utm_campaign=weekly_digest",
    "?utm_source=newsletter&utm_medium=email&utm_campaign=weekly_digest&email=jane.doe%40example.com",
    "?utm_source=crm&utm_medium=email&utm_campaign=cart_reminder&session_token=abc123",
]
# An e-mail address in a URL path: staging must redact it.
PII_PATH = "/unsubscribe/jane.doe@example.com"

PRODUCTS = [f"/products/p{i:02d}" for i in range(1, 41)]
BLOG = [f"/blog/post-{i:02d}" for i in range(1, 26)]
BROWSE_PAGES = ["/", "/products", "/blog", "/about", *PRODUCTS, *BLOG]
SUPPORT_PAGES = ["/returns", "/returns/start", "/order-status", "/help/shipping", "/help/returns"]

DEVICES = [
    # device category, share of devices, user agent
    (
        "desktop",
        0.55,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36",
    ),
    (
        "mobile",
        0.38,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    ),
    (
        "tablet",
        0.07,
        "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    ),
]
BOT_AGENTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "python-requests/2.32.3",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0 Safari/537.36",
]

# Event item kinds, in the order their codes are used below.
KINDS = [
    "landing",  # 0 page_view, first event of the session
    "page_view",  # 1 browsing page view
    "pricing_view",  # 2 page_view of /pricing
    "contact_view",  # 3 page_view of /contact
    "video_play",  # 4
    "file_download",  # 5
    "newsletter_signup",  # 6
    "add_to_cart",  # 7
    "form_submit",  # 8 contact form
    "social_share",  # 9
    "begin_checkout",  # 10
    "purchase",  # 11
]
EVENT_NAME = [
    "page_view",
    "page_view",
    "page_view",
    "page_view",
    "video_play",
    "file_download",
    "newsletter_signup",
    "add_to_cart",
    "form_submit",
    "social_share",
    "begin_checkout",
    "purchase",
]


@dataclass
class Params:
    people: int = 3000
    seed: int = 7
    start: str = "2026-09-01"
    days: int = 42
    second_device_share: float = 0.15
    login_share: float = 0.30
    support_session_share: float = 0.06
    bot_visitor_share: float = 0.02
    # Chance per (non-support) session of each micro-conversion.
    micro_probability: dict = field(
        default_factory=lambda: {
            "video_play": 0.12,
            "file_download": 0.08,
            "newsletter_signup": 0.05,
            "add_to_cart": 0.18,
            "form_submit": 0.04,
            "social_share": 0.03,
            "pricing_view": 0.15,
        }
    )
    # A purchase needs an add-to-cart. Given one, the chance of a purchase is the base times the
    # factor of every other micro-conversion in the session: this is the planted lift.
    purchase_given_cart: float = 0.22
    purchase_factor: dict = field(default_factory=lambda: {"video_play": 1.6, "newsletter_signup": 1.4})
    # The same by the session's channel (CHANNELS' first names, e.g. {"email": 3.0}): a planted
    # channel effect for the attribution reports. Empty by default (no draw depends on it).
    purchase_factor_by_channel: dict = field(default_factory=dict)
    checkout_abandon_share: float = 0.30
    # Bad rows, as shares of the good events.
    exact_duplicate_share: float = 0.004
    conflicting_duplicate_share: float = 0.001
    missing_event_id_share: float = 0.0005
    missing_visitor_id_share: float = 0.0005
    missing_event_name_share: float = 0.0002
    unparseable_event_at_share: float = 0.0005
    ancient_event_at_share: float = 0.0002
    future_event_at_share: float = 0.0002
    exact_timeout_gap_share: float = 0.003


def _choice(rng, n, probs):
    return rng.choice(len(probs), size=n, p=np.asarray(probs) / np.sum(probs))


def _pick(strings, idx, valid=None):
    """Strings from a catalogue by index, dictionary-encoded (cheap to build, take and write).
    `valid`, a boolean mask, leaves the other rows null."""
    mask = None if valid is None else ~np.asarray(valid)
    indices = pa.array(np.asarray(idx, dtype=np.int32), pa.int32(), mask=mask)
    values = strings if isinstance(strings, pa.Array) else pa.array(list(strings), pa.string())
    return pa.DictionaryArray.from_arrays(indices, values)


def _prefixed(prefix, n):
    """'prefix0', 'prefix1', ... as a string array."""
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(np.arange(n)), pa.string()), "")


_TIMES_OF_DAY = None


def _format_ts(epoch_seconds, separator="T", suffix=None):
    """ISO-8601 text for whole-second epochs; formats each distinct day and time of day once."""
    global _TIMES_OF_DAY
    if _TIMES_OF_DAY is None:
        secs = np.arange(86400)
        _TIMES_OF_DAY = pa.array(
            [f"{h:02d}:{m:02d}:{x:02d}" for h, m, x in zip(secs // 3600, secs // 60 % 60, secs % 60, strict=True)]
        )
    days, day_idx = np.unique(epoch_seconds // 86400, return_inverse=True)
    day_text = np.datetime_as_string(days.astype("datetime64[D]"), unit="D")
    parts = [
        _pick(day_text, day_idx).cast(pa.string()),
        separator,
        _pick(_TIMES_OF_DAY, epoch_seconds % 86400).cast(pa.string()),
    ]
    if suffix is not None:
        parts.append(suffix)
    return pc.binary_join_element_wise(*parts, "")


def generate(p: Params):
    """Returns (events table, session truth table, summary dict)."""
    rng = np.random.default_rng(p.seed)
    start = int(np.datetime64(p.start, "s").astype(np.int64))
    span = p.days * 86400

    # People and their devices (visitors).
    devices_per_person = 1 + (rng.random(p.people) < p.second_device_share)
    visitor_person = np.repeat(np.arange(p.people), devices_per_person)
    n_visitors = visitor_person.size
    person_logs_in = rng.random(p.people) < p.login_share
    visitor_device = _choice(rng, n_visitors, [d[1] for d in DEVICES])

    # Sessions per visitor: 1 + geometric, so about 40% of visitors return.
    sessions_per_visitor = np.minimum(rng.geometric(0.6, n_visitors), 15)
    n_sessions = int(sessions_per_visitor.sum())
    s_visitor = np.repeat(np.arange(n_visitors), sessions_per_visitor)
    s_first = np.r_[0, np.cumsum(sessions_per_visitor)[:-1]]
    s_index = np.arange(n_sessions) - np.repeat(s_first, sessions_per_visitor)
    s_channel = _choice(rng, n_sessions, [c[1] for c in CHANNELS])
    s_support = rng.random(n_sessions) < p.support_session_share
    shopping = ~s_support

    counts = np.zeros((n_sessions, len(KINDS)), dtype=np.int64)
    counts[:, 0] = 1
    counts[:, 1] = np.minimum(rng.geometric(0.3, n_sessions) - 1, 25)
    counts[s_support, 1] = np.minimum(counts[s_support, 1], 2)
    micro = {}
    for kind, prob in p.micro_probability.items():
        micro[kind] = shopping & (rng.random(n_sessions) < prob)
    counts[:, 2] = micro["pricing_view"]
    counts[:, 3] = micro["form_submit"]
    for kind in ["video_play", "file_download", "newsletter_signup", "form_submit", "social_share"]:
        counts[:, KINDS.index(kind)] = micro[kind]
    # One to three add-to-cart events.
    counts[:, 7] = micro["add_to_cart"] * _choice(rng, n_sessions, [0, 0.7, 0.2, 0.1])
    purchase_p = np.full(n_sessions, p.purchase_given_cart)
    for kind, factor in p.purchase_factor.items():
        purchase_p = np.where(micro[kind], purchase_p * factor, purchase_p)
    channel_names = [c[0] for c in CHANNELS]
    for name, factor in p.purchase_factor_by_channel.items():
        purchase_p = np.where(s_channel == channel_names.index(name), purchase_p * factor, purchase_p)
    purchased = micro["add_to_cart"] & (rng.random(n_sessions) < purchase_p)
    abandoned = micro["add_to_cart"] & ~purchased & (rng.random(n_sessions) < p.checkout_abandon_share)
    counts[:, 10] = purchased | abandoned
    counts[:, 11] = purchased

    # One row per event item, ordered inside its session by a key: landing first, the middle in
    # random order, then begin_checkout and purchase.
    kind_of = np.repeat(np.tile(np.arange(len(KINDS)), n_sessions), counts.ravel())
    e_session = np.repeat(np.repeat(np.arange(n_sessions), len(KINDS)), counts.ravel())
    key = rng.random(kind_of.size)
    key[kind_of == 0] = -1.0
    key[kind_of == 10] = 2.0
    key[kind_of == 11] = 3.0
    order = np.lexsort((key, e_session))
    kind_of, e_session = kind_of[order], e_session[order]
    n_good = kind_of.size
    events_per_session = np.bincount(e_session, minlength=n_sessions)
    is_landing = kind_of == 0

    # Gaps inside a session: at most the timeout; some exactly the timeout; some zero (ties).
    gaps = np.clip(rng.exponential(75.0, n_good).round(), 0, TIMEOUT_SECONDS).astype(np.int64)
    gaps[rng.random(n_good) < p.exact_timeout_gap_share] = TIMEOUT_SECONDS
    gaps[is_landing] = 0
    offset_in_session = np.cumsum(gaps)
    session_start_pos = np.r_[0, np.cumsum(events_per_session)[:-1]]
    offset_in_session -= np.repeat(offset_in_session[session_start_pos], events_per_session)
    duration = offset_in_session[np.r_[session_start_pos[1:], n_good] - 1]

    # Session starts: first session uniform over the first 80% of the span, then each next one
    # after the previous one ended plus a gap always longer than the timeout.
    between = (TIMEOUT_SECONDS + 60 + rng.exponential(3 * 86400, n_sessions)).astype(np.int64)
    step = np.r_[0, duration[:-1] + between[:-1]]
    step[s_first] = 0
    v_first_start = start + (rng.random(n_visitors) * span * 0.8).astype(np.int64)
    cum = np.cumsum(step)
    s_start = v_first_start[s_visitor] + cum - np.repeat(cum[s_first], sessions_per_visitor)
    e_at = s_start[e_session] + offset_in_session
    e_visitor = s_visitor[e_session]

    # Logins: a logged-in person's device carries the user id from a random event onwards.
    visitor_event_count = np.bincount(e_visitor, minlength=n_visitors)
    v_first_event = np.r_[0, np.cumsum(visitor_event_count)[:-1]]
    login_pos = (rng.random(n_visitors) * visitor_event_count).astype(np.int64)
    logs_in = person_logs_in[visitor_person]
    pos_in_visitor = np.arange(n_good) - np.repeat(v_first_event, visitor_event_count)
    has_user = logs_in[e_visitor] & (pos_in_visitor >= login_pos[e_visitor])

    # Pages.
    path_idx = rng.integers(0, len(BROWSE_PAGES), n_good)
    paths = np.array(
        BROWSE_PAGES
        + SUPPORT_PAGES
        + ["/pricing", "/contact", "/checkout", "/checkout/thank-you", "/resources/buying-guide", PII_PATH]
    )
    n_browse = len(BROWSE_PAGES)
    cat = {
        name: n_browse + len(SUPPORT_PAGES) + i
        for i, name in enumerate(["pricing", "contact", "checkout", "thank_you", "guide", "pii"])
    }
    support_rows = s_support[e_session]
    path_idx[support_rows] = n_browse + rng.integers(0, len(SUPPORT_PAGES), int(support_rows.sum()))
    product = rng.integers(0, len(PRODUCTS), n_good) + BROWSE_PAGES.index(PRODUCTS[0])
    post = rng.integers(0, len(BLOG), n_good) + BROWSE_PAGES.index(BLOG[0])
    path_idx = np.where(kind_of == 2, cat["pricing"], path_idx)
    path_idx = np.where((kind_of == 3) | (kind_of == 8), cat["contact"], path_idx)
    path_idx = np.where((kind_of == 4) | (kind_of == 6) | (kind_of == 9), post, path_idx)
    path_idx = np.where(kind_of == 5, cat["guide"], path_idx)
    path_idx = np.where(kind_of == 7, product, path_idx)
    path_idx = np.where(kind_of == 10, cat["checkout"], path_idx)
    path_idx = np.where(kind_of == 11, cat["thank_you"], path_idx)
    pii_rows = (kind_of == 1) & ~support_rows & (rng.random(n_good) < 0.002)
    path_idx[pii_rows] = cat["pii"]
    # Which sessions viewed a product page or a blog post (page views only): funnel step truth.
    is_view = (kind_of == 0) | (kind_of == 1)
    first_product = BROWSE_PAGES.index(PRODUCTS[0])
    first_post = BROWSE_PAGES.index(BLOG[0])
    viewed_product = np.bincount(
        e_session[is_view & (path_idx >= first_product) & (path_idx < first_product + len(PRODUCTS))],
        minlength=n_sessions,
    )
    viewed_post = np.bincount(
        e_session[is_view & (path_idx >= first_post) & (path_idx < first_post + len(BLOG))], minlength=n_sessions
    )

    # Landing query strings and referrers by channel.
    ch = s_channel[e_session]
    names = [c[0] for c in CHANNELS]
    queries = [""] + PAID_SEARCH_QUERIES + PAID_SOCIAL_QUERIES + EMAIL_QUERIES
    q_idx = np.zeros(n_good, dtype=np.int64)
    sel = is_landing & (ch == names.index("paid_search"))
    q_idx[sel] = 1 + rng.integers(0, len(PAID_SEARCH_QUERIES), int(sel.sum()))
    sel = is_landing & (ch == names.index("paid_social"))
    q_idx[sel] = 1 + len(PAID_SEARCH_QUERIES) + rng.integers(0, len(PAID_SOCIAL_QUERIES), int(sel.sum()))
    sel = is_landing & (ch == names.index("email"))
    q_idx[sel] = (
        1 + len(PAID_SEARCH_QUERIES) + len(PAID_SOCIAL_QUERIES) + rng.integers(0, len(EMAIL_QUERIES), int(sel.sum()))
    )
    # Page URLs are few distinct strings: encode (path, query) pairs once.
    url_codes, url_idx = np.unique(path_idx * len(queries) + q_idx, return_inverse=True)
    url_values = [SITE + paths[c // len(queries)] + queries[c % len(queries)] for c in url_codes]

    refs = [""] + SEARCH_REFERRERS + SOCIAL_REFERRERS + REFERRAL_REFERRERS
    r_idx = np.zeros(n_good, dtype=np.int64)
    for name, pool, base in [
        ("organic_search", SEARCH_REFERRERS, 1),
        ("paid_search", SEARCH_REFERRERS[:1], 1),
        ("organic_social", SOCIAL_REFERRERS, 1 + len(SEARCH_REFERRERS)),
        ("referral", REFERRAL_REFERRERS, 1 + len(SEARCH_REFERRERS) + len(SOCIAL_REFERRERS)),
    ]:
        sel = is_landing & (ch == names.index(name))
        r_idx[sel] = base + rng.integers(0, len(pool), int(sel.sum()))
    # Inside a session the referrer is the previous page of the same site.
    prev = np.r_[0, np.arange(n_good - 1)]
    ref_idx = np.where(is_landing, r_idx, len(refs) + url_idx[prev])
    ref_values = refs + url_values

    # Devices and agents; one device in ten does not report its category.
    e_device = visitor_device[e_visitor]
    reports_device = rng.random(n_visitors) >= 0.1
    is_purchase = kind_of == 11
    revenue_numbers = np.round(rng.lognormal(4.3, 0.5, int(is_purchase.sum())), 2)
    revenue_values = pa.array([f"{v:.2f}" for v in revenue_numbers])
    revenue_idx = np.zeros(n_good, dtype=np.int64)
    revenue_idx[is_purchase] = np.arange(int(is_purchase.sum()))
    load_delay = rng.integers(5, 600, n_good)
    late = rng.random(n_good) < 0.01
    load_delay[late] = rng.integers(6 * 3600, 3 * 86400, int(late.sum()))

    # Bots: one long, fast session each, flagged by their user agent.
    n_bots = max(1, int(round(n_visitors * p.bot_visitor_share)))
    bot_events = rng.integers(10, 60, n_bots)
    n_bot_events = int(bot_events.sum())
    b_bot = np.repeat(np.arange(n_bots), bot_events)
    b_first = np.r_[0, np.cumsum(bot_events)[:-1]]
    b_gap = rng.integers(1, 5, n_bot_events)
    b_cum = np.cumsum(b_gap)
    b_at = (start + (rng.random(n_bots) * span).astype(np.int64))[b_bot] + b_cum - np.repeat(b_cum[b_first], bot_events)
    b_path = rng.integers(0, n_browse, n_bot_events)

    n_all = n_good + n_bot_events
    event_at_epoch = np.r_[e_at, b_at]
    no_bot = np.zeros(n_bot_events, dtype=bool)
    table = pa.table(
        {
            "event_id": _prefixed("e", n_all),
            "event_at_epoch": event_at_epoch,
            "visitor_id": _pick(
                pa.concat_arrays([_prefixed("v", n_visitors), _prefixed("bot", n_bots)]),
                np.r_[e_visitor, n_visitors + b_bot],
            ),
            "user_id": _pick(
                _prefixed("u", p.people),
                np.r_[visitor_person[e_visitor], np.zeros(n_bot_events)],
                np.r_[has_user, no_bot],
            ),
            "event_name": _pick(EVENT_NAME, np.r_[kind_of, np.zeros(n_bot_events)]),
            "page_url": _pick(
                url_values + [SITE + page for page in BROWSE_PAGES], np.r_[url_idx, len(url_values) + b_path]
            ),
            "referrer_url": _pick(
                ref_values, np.r_[ref_idx, np.zeros(n_bot_events)], np.r_[np.ones(n_good, bool), no_bot]
            ),
            "user_agent": _pick(
                [d[2] for d in DEVICES] + BOT_AGENTS,
                np.r_[e_device, len(DEVICES) + rng.integers(0, len(BOT_AGENTS), n_bot_events)],
            ),
            "device_category": _pick(
                [d[0] for d in DEVICES],
                np.r_[e_device, np.zeros(n_bot_events)],
                np.r_[reports_device[e_visitor], ~no_bot],
            ),
            "revenue": _pick(revenue_values, np.r_[revenue_idx, np.zeros(n_bot_events)], np.r_[is_purchase, no_bot]),
            "loaded_epoch": np.r_[e_at + load_delay, b_at + 30],
        }
    )

    table, bad = _add_bad_rows(rng, table, p)
    table = _format(rng, table)
    # Raw data arrives in no particular order.
    table = table.unify_dictionaries().combine_chunks().take(pa.array(rng.permutation(table.num_rows)))

    truth = pa.table(
        {
            "visitor_id": _prefixed("v", n_visitors).take(pa.array(s_visitor)),
            "session_index": s_index,
            "session_start_at": pa.array(s_start.astype("datetime64[s]")),
            "session_end_at": pa.array((s_start + duration).astype("datetime64[s]")),
            "duration_seconds": duration,
            "event_count": events_per_session,
            "page_views": counts[:, :4].sum(axis=1),
            "channel": _pick([c[2] for c in CHANNELS], s_channel).cast(pa.string()),
            "device_category": _pick([d[0] for d in DEVICES], visitor_device[s_visitor]).cast(pa.string()),
            "is_support_only": s_support,
            "purchased": purchased,
            "began_checkout": purchased | abandoned,
            "product_views": viewed_product,
            "blog_post_views": viewed_post,
            "add_to_cart_events": counts[:, 7],
            "revenue": np.round(np.bincount(e_session[is_purchase], weights=revenue_numbers, minlength=n_sessions), 2),
            **{f"has_{k}": v for k, v in micro.items()},
            "user_id": _pick(_prefixed("u", p.people), visitor_person[s_visitor], logs_in[s_visitor]).cast(pa.string()),
        }
    )
    summary = {
        "params": asdict(p),
        "people": p.people,
        "visitors": int(n_visitors),
        "bot_visitors": int(n_bots),
        "sessions": int(n_sessions),
        "good_events": int(n_good),
        "bot_events": int(n_bot_events),
        "raw_rows": int(table.num_rows),
        "duplicates": int(bad["exact_duplicate"] + bad["conflicting_duplicate"]),
        "quarantined": int(sum(v for k, v in bad.items() if not k.endswith("duplicate"))),
        "quarantine_reasons": {k: int(v) for k, v in bad.items() if not k.endswith("duplicate")},
        "staged": int(n_all),
        # The planted effect of each micro-conversion on purchase, at session level: the purchase
        # rate of sessions with and without it (shopping sessions only), as realised in this data.
        "session_purchase_rate_with_without": {
            kind: [
                float(purchased[shopping & flag].mean()) if (shopping & flag).any() else None,
                float(purchased[shopping & ~flag].mean()) if (shopping & ~flag).any() else None,
            ]
            for kind, flag in micro.items()
        },
    }
    return table, truth, summary


def _add_bad_rows(rng, table, p: Params):
    """Appends copies of random good rows made bad in one way each; returns counts by kind."""
    n = table.num_rows
    parts = [table]
    counts = {}
    next_id = n

    def sample(share):
        k = int(round(n * share))
        return table.take(pa.array(rng.integers(0, n, k))), k

    def fresh_ids(k):
        nonlocal next_id
        ids = pc.binary_join_element_wise("e", pc.cast(pa.array(np.arange(next_id, next_id + k)), pa.string()), "")
        next_id += k
        return ids

    def setcol(t, name, values):
        return t.set_column(t.schema.get_field_index(name), name, values)

    # Exact duplicates, delivered again later: staging keeps the first one loaded.
    dup, k = sample(p.exact_duplicate_share)
    dup = setcol(dup, "loaded_epoch", pc.add(dup["loaded_epoch"], 3600))
    parts.append(dup)
    counts["exact_duplicate"] = k
    # Same id, different payload, loaded later: the first one loaded wins.
    conf, k = sample(p.conflicting_duplicate_share)
    conf = setcol(conf, "event_name", _pick(["page_view"], np.zeros(k)))
    conf = setcol(conf, "page_url", _pick([SITE + "/conflicting-copy"], np.zeros(k)))
    conf = setcol(conf, "loaded_epoch", pc.add(conf["loaded_epoch"], 7200))
    parts.append(conf)
    counts["conflicting_duplicate"] = k

    for reason, column, share in [
        ("missing_event_id", "event_id", p.missing_event_id_share),
        ("missing_visitor_id", "visitor_id", p.missing_visitor_id_share),
        ("missing_event_name", "event_name", p.missing_event_name_share),
    ]:
        bad, k = sample(share)
        bad = setcol(bad, "event_id", fresh_ids(k))
        # Half empty strings, half nulls.
        empty = pa.array([None if i % 2 else "" for i in range(k)], pa.string())
        bad = setcol(bad, column, empty if column == "event_id" else empty.dictionary_encode())
        parts.append(bad)
        counts[reason] = k
    # Bad timestamps are marked with a sentinel epoch and written as text in _format.
    for reason, sentinel, share in [
        ("unparseable_event_at", -1, p.unparseable_event_at_share),
        ("event_at_too_early", -2, p.ancient_event_at_share),
        ("event_at_in_future", -3, p.future_event_at_share),
    ]:
        bad, k = sample(share)
        bad = setcol(bad, "event_id", fresh_ids(k))
        bad = setcol(bad, "event_at_epoch", pa.array(np.full(k, sentinel)))
        parts.append(bad)
        counts[reason] = k
    return pa.concat_tables(parts), counts


def _format(rng, table):
    """Writes timestamps as text the way trackers do: UTC with Z, with an offset, or naive UTC."""
    epoch = table["event_at_epoch"].to_numpy()
    n = epoch.size
    style = _choice(rng, n, [0.6, 0.1, 0.1, 0.05, 0.15])
    offsets = np.array([0, 2 * 3600, -5 * 3600, 19800, 0])
    suffix = ["Z", "+02:00", "-05:00", "+05:30", ""]
    local = np.where(epoch < 0, 0, epoch + offsets[style])
    separator = _pick(["T", " "], style == 4).cast(pa.string())
    text = _format_ts(local, separator, _pick(suffix, style).cast(pa.string()))
    bad_text = _pick(
        ["", "not-a-date", "2026-02-30T10:00:00Z", "1999-12-31T23:59:59Z", "2099-01-01T00:00:00Z"],
        np.where(epoch == -1, 1 + np.arange(n) % 2, np.where(epoch < -1, 1 - epoch, 0)),
    ).cast(pa.string())
    text = pc.if_else(pa.array(epoch < 0), bad_text, text)
    loaded = _format_ts(table["loaded_epoch"].to_numpy(), "T", "Z")
    out = table.drop_columns(["event_at_epoch", "loaded_epoch"])
    out = out.add_column(1, "event_at", text)
    # Optional contract column, left empty: the demo site reports no scroll depth.
    out = out.append_column("percent_scrolled", pa.nulls(n, pa.string()))
    return out.append_column("loaded_at", loaded)


def write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        pq.write_table(table, path)
    else:
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="mc-generate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    ap.add_argument("--people", type=int, default=Params.people)
    ap.add_argument("--seed", type=int, default=Params.seed)
    ap.add_argument("--start", default=Params.start, help="first day, YYYY-MM-DD")
    ap.add_argument("--days", type=int, default=Params.days)
    ap.add_argument("--out", type=Path, required=True, help="events file, .csv or .parquet")
    ap.add_argument("--truth-dir", type=Path, help="where to write the planted truth")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    params = Params(people=args.people, seed=args.seed, start=args.start, days=args.days)
    table, truth, summary = generate(params)
    t1 = time.perf_counter()
    write(table, args.out)
    t2 = time.perf_counter()
    if args.truth_dir:
        args.truth_dir.mkdir(parents=True, exist_ok=True)
        pq.write_table(truth, args.truth_dir / "truth_sessions.parquet")
        (args.truth_dir / "truth.json").write_text(json.dumps(summary, indent=2))
    print(
        f"{table.num_rows} raw rows ({summary['sessions']} sessions, {summary['visitors']} visitors) "
        f"generated in {t1 - t0:.1f}s, written to {args.out} in {t2 - t1:.1f}s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
