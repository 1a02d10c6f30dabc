"""GA4's default channel grouping (`seeds/channel_rules_ga4.csv`), selected with one setting, gives
each (source, medium) pair the channel GA4's published rules give it.

The reference below is the rules written again as GA4 documents them, an ordered list of
conditions where the first that holds names the channel, with the same lists of search, social,
video and shopping sites as the seed. It is compared with what staging assigns, pair by pair, on
events whose campaign tags cover every channel the seed can give.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
import yaml
from warehouses import DuckDBWarehouse

from micro_conversions.dbt_runner import PROJECT_DIR

pytestmark = pytest.mark.slow

SEARCH = {"google", "bing", "yahoo", "baidu", "duckduckgo", "yandex", "ecosia", "naver", "ask", "aol", "seznam",
          "qwant", "startpage", "sogou", "daum"}  # fmt: skip
SOCIAL = {"facebook", "fb", "instagram", "ig", "linkedin", "lnkd.in", "twitter", "t.co", "x", "tiktok", "pinterest",
          "reddit", "snapchat", "threads", "tumblr", "vk", "weibo", "wechat", "whatsapp", "quora", "discord",
          "telegram", "mastodon"}  # fmt: skip
VIDEO = {"youtube", "youtu.be", "vimeo", "twitch", "dailymotion", "wistia", "ted"}
SHOPPING = {"amazon", "ebay", "etsy", "shopify", "walmart", "aliexpress", "alibaba", "mercadolibre", "rakuten",
            "shopping.google", "igshopping"}  # fmt: skip
EMAIL = {"email", "e-mail", "e_mail", "e mail"}


def _site(source: str, names: set, prefixes=("www.",)) -> bool:
    """A source is a site of the list when it is one of the names, with an optional prefix and
    domain suffix (google, www.google.com, google.co.uk)."""
    for prefix in prefixes:
        if source.startswith(prefix):
            source = source[len(prefix) :]
            break
    return any(source == name or (source.startswith(name + ".") and source[len(name) + 1 :]) for name in names)


def ga4_channel(source: str, medium: str) -> str:
    source, medium = source.lower(), medium.lower()
    paid = bool(re.fullmatch(r".*cp.*|ppc|retargeting|paid.*", medium))
    search, video, shopping = _site(source, SEARCH), _site(source, VIDEO, ("www.", "m.")), _site(source, SHOPPING)
    social = _site(source, SOCIAL, ("www.", "m.", "l.", "lm."))
    if source == "(direct)" and medium in ("(none)", "(not set)"):
        return "Direct"
    if shopping and paid:
        return "Paid Shopping"
    if search and paid:
        return "Paid Search"
    if social and paid:
        return "Paid Social"
    if video and paid:
        return "Paid Video"
    if medium in ("display", "banner", "expandable", "interstitial", "cpm"):
        return "Display"
    if paid:
        return "Paid Other"
    if shopping:
        return "Organic Shopping"
    if social or medium in ("social", "social-network", "social-media", "sm", "social network", "social media"):
        return "Organic Social"
    if video or "video" in medium:
        return "Organic Video"
    if search or medium == "organic":
        return "Organic Search"
    if medium in ("referral", "app", "link"):
        return "Referral"
    if source in EMAIL or medium in EMAIL:
        return "Email"
    if medium == "affiliate":
        return "Affiliates"
    if medium == "audio":
        return "Audio"
    if source == "sms" or medium == "sms":
        return "SMS"
    if medium.endswith("push") or "mobile" in medium or "notification" in medium or source == "firebase":
        return "Mobile Push Notifications"
    return "Unassigned"


TAGGED = [
    ("google", "cpc"), ("facebook", "paid_social"), ("youtube", "cpv"), ("amazon", "cpc"), ("etsy", "referral"),
    ("criteo", "retargeting"), ("adnetwork", "cpm"), ("partner-ads", "banner"), ("instagram", "social"),
    ("forum", "social-network"), ("vimeo", "referral"), ("webinar", "video"), ("newsletter", "email"),
    ("mailchimp", "e-mail"), ("partner", "affiliate"), ("podcast", "audio"), ("sms", "text"),
    ("firebase", "notification"), ("app", "mobile"), ("google.co.uk", "organic"), ("partner-site", "link"),
    ("weird", "unknown"), ("www.bing.com", "ppc"),
]  # fmt: skip
SITE = "https://shop.example.com"


def _events() -> pa.Table:
    rows = [
        {"page_url": f"{SITE}/?utm_source={source}&utm_medium={medium}", "referrer_url": None}
        for source, medium in TAGGED
    ]
    rows += [
        {"page_url": f"{SITE}/", "referrer_url": None},  # direct
        {"page_url": f"{SITE}/", "referrer_url": "https://www.google.com/"},  # a search engine referrer
        {"page_url": f"{SITE}/", "referrer_url": "https://blog.example.org/post"},  # a referral
    ]
    return pa.Table.from_pylist(
        [
            {
                "event_id": f"e{i}",
                "event_at": "2026-05-04 10:00:00",
                "visitor_id": f"v{i}",
                "event_name": "page_view",
                **row,
                "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0",
            }
            for i, row in enumerate(rows)
        ]
    )


def test_ga4_channel_rules_match_the_published_rules(tmp_path):
    warehouse = DuckDBWarehouse(tmp_path / "warehouse.duckdb")
    warehouse.load(_events(), create=True, relation="web.events")
    # The README's command, verbatim, on these events.
    readme = (PROJECT_DIR / "README.md").read_text()
    [vars_text] = re.findall(
        r"```bash\ndbt build --vars '(\{micro_conversions__channel_rules_relation: .*?)'\n```", readme
    )
    settings = {"micro_conversions__raw_events_relation": "web.events", **yaml.safe_load(vars_text)}
    assert settings["micro_conversions__channel_rules_relation"] == "channel_rules_ga4"
    warehouse.run(
        ["build", "--select", "+stg_events", "--indirect-selection", "cautious", "--exclude", "test_type:unit"],
        settings,
        tmp_path / "target",
    )
    assigned = warehouse.query("select distinct traffic_source, traffic_medium, channel from stg_events")
    assert len(assigned) == len(TAGGED) + 3
    wrong = [(s, m, c, ga4_channel(s, m)) for s, m, c in assigned if c != ga4_channel(s, m)]
    assert wrong == []
    channels = {c for _, _, c in assigned}
    # Every channel the seed can give (and Unassigned) occurs in the fixture.
    seed = (PROJECT_DIR / "seeds" / "channel_rules_ga4.csv").read_text()
    seed_channels = {line.split(",")[1] for line in seed.splitlines()[1:]}
    assert channels == seed_channels | {"Unassigned"}
