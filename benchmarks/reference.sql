-- The benchmark's anchor: the core work of the project written by hand as one DuckDB script,
-- without dbt, macros or the project's models. benchmarks/bench.py runs it on the same raw rows
-- as the dbt build (relation `raw_events`) and compares the two runs' seconds and peak memory.
--
-- 1. Deduplicate: rows with an event id, a visitor id, an event name and a parseable event time
--    (UTC, offsets applied); of the copies of an event id the first loaded is kept. Bot user
--    agents are dropped.
-- 2. Sessionize: a visitor's events, by time, start a new session after more than 30 minutes
--    without an event.
-- 3. Goals per session: event goals (by event name), destination goals (page path pattern),
--    and the session goals "2 minutes or more" and "5 page views or more".
-- 4. One ordered funnel, by visitor, within 7 days of its first step: product page viewed ->
--    add to cart -> begin checkout -> purchase; for every step-1 event the chain follows the next
--    event of each later step (ASOF joins), and a visitor counts at the deepest step any of its
--    attempts reaches.
-- Regular expressions run once per distinct user agent, URL and path. Each result is a table,
-- as a dbt build would leave it; the script prints their row counts.

create or replace temp table ref_typed as
select
    nullif(trim(event_id), '') as event_id,
    nullif(trim(visitor_id), '') as visitor_id,
    lower(nullif(trim(event_name), '')) as event_name,
    cast(try_cast(trim(event_at) as timestamptz) as timestamp) as event_at,
    try_cast(trim(loaded_at) as timestamptz) as loaded_at,
    page_url,
    user_agent
from raw_events;

create or replace temp table ref_deduplicated as
select *
from ref_typed
where event_id is not null
    and visitor_id is not null
    and event_name is not null
    and event_at between timestamp '2000-01-01' and now()::timestamp + interval 1 day
qualify row_number() over (partition by event_id order by loaded_at nulls last) = 1;

-- Regular expressions once per distinct user agent and URL, not per event.
create or replace temp table ref_events as
with agents as (
    select
        user_agent,
        regexp_matches(lower(user_agent),
            'bot|crawl|spider|slurp|scrapy|headless|phantomjs|python-requests|python-urllib|curl/|wget|'
            || 'httpclient|java/|go-http-client|facebookexternalhit|lighthouse|pingdom|uptime') as is_bot
    from (select distinct user_agent from ref_deduplicated where user_agent is not null)
),
pages as (
    select
        page_url,
        coalesce(nullif(regexp_extract(page_url, '^(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*)?([^?#]*)', 1), ''), '/')
            as page_path
    from (select distinct page_url from ref_deduplicated where page_url is not null)
)
select d.event_id, d.visitor_id, d.event_name, d.event_at, coalesce(p.page_path, '/') as page_path
from ref_deduplicated as d
left join agents as a on d.user_agent = a.user_agent
left join pages as p on d.page_url = p.page_url
where not coalesce(a.is_bot, false);

create or replace temp table ref_sessionized as
select
    *,
    visitor_id || '#' || sum(is_new) over (partition by visitor_id order by event_at, event_id) as session_key
from (
    select
        *,
        case
            when lag(event_at) over (partition by visitor_id order by event_at, event_id) >= event_at - interval 30 minute
                then 0
            else 1
        end as is_new
    from ref_events
);

create or replace temp table ref_sessions as
select
    session_key,
    any_value(visitor_id) as visitor_id,
    min(event_at) as started_at,
    max(event_at) as ended_at,
    count(*) as events,
    count(*) filter (where event_name = 'page_view') as page_views
from ref_sessionized
group by session_key;

create or replace temp table ref_goals_per_session as
with paths as (
    select
        page_path,
        case
            when regexp_matches(page_path, '^/pricing/?$') then 'pricing_page'
            when regexp_matches(page_path, '^/products/[^/]+/?$') then 'product_view'
            when regexp_matches(page_path, '^/blog/[^/]+/?$') then 'blog_view'
        end as page_goal,
        regexp_matches(page_path, '^/contact/?$') as is_contact
    from (select distinct page_path from ref_sessionized)
),
event_goals as (
    select
        e.session_key,
        case
            when e.event_name in (
                'purchase', 'add_to_cart', 'begin_checkout', 'video_play', 'file_download',
                'newsletter_signup', 'social_share'
            ) then e.event_name
            when e.event_name = 'form_submit' and p.is_contact then 'contact_form'
            when e.event_name = 'page_view' then p.page_goal
        end as goal_id
    from ref_sessionized as e
    inner join paths as p on e.page_path = p.page_path
),
session_goals as (
    select session_key, 'long_visit' as goal_id, 1 as completions
    from ref_sessions
    where ended_at - started_at >= interval 120 second
    union all
    select session_key, 'deep_visit', 1
    from ref_sessions
    where page_views >= 5
)
select session_key, goal_id, count(*) as completions
from event_goals
where goal_id is not null
group by all
union all
select * from session_goals;

create or replace temp table ref_funnel_visitors as
with steps as (
    select
        visitor_id,
        event_at,
        event_id,
        case
            when event_name = 'page_view' and page_path like '/products/%'
                and regexp_matches(page_path, '^/products/[^/]+/?$') then 1
            when event_name = 'add_to_cart' then 2
            when event_name = 'begin_checkout' then 3
            when event_name = 'purchase' then 4
        end as step
    from ref_events
),
s1 as (select visitor_id, event_at as at_1 from steps where step = 1),
s2 as (select visitor_id, event_at from steps where step = 2),
s3 as (select visitor_id, event_at from steps where step = 3),
s4 as (select visitor_id, event_at from steps where step = 4),
reach_2 as (
    select s1.visitor_id, s1.at_1, s2.event_at as at_2
    from s1 asof left join s2 on s1.visitor_id = s2.visitor_id and s2.event_at >= s1.at_1
),
reach_3 as (
    select r.*, s3.event_at as at_3
    from reach_2 as r asof left join s3 on r.visitor_id = s3.visitor_id and s3.event_at >= r.at_2
),
reach_4 as (
    select r.*, s4.event_at as at_4
    from reach_3 as r asof left join s4 on r.visitor_id = s4.visitor_id and s4.event_at >= r.at_3
)
select
    visitor_id,
    max(
        case
            when at_4 <= at_1 + interval 7 day then 4
            when at_3 <= at_1 + interval 7 day then 3
            when at_2 <= at_1 + interval 7 day then 2
            else 1
        end
    ) as deepest_step
from reach_4
group by visitor_id;

select 'events kept' as what, count(*) as n from ref_events
union all select 'sessions', count(*) from ref_sessions
union all select 'goal completions', sum(completions) from ref_goals_per_session
union all select 'funnel step 1 visitors', count(*) from ref_funnel_visitors
union all select 'funnel step 4 visitors', count(*) filter (where deepest_step = 4) from ref_funnel_visitors;
