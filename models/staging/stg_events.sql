{%- set window = micro_conversions.incremental_by_load_time() -%}
{#- Incremental by load time (macros/incremental/load_window.sql): a run stages again the checked
    rows of its window, and only those: the distinct URLs and user agents below are those of the
    window. -#}
{#-
    One row per valid, deduplicated event: typed, in UTC, URL parsed and scrubbed of personal
    data, traffic source and channel classified, bots flagged.

    Regular expressions run once per distinct page URL, referrer URL, user agent and
    (source, medium) pair, then join back to the events: the same answer as per event, at a
    fraction of the cost, because events repeat these values heavily. The traffic source, medium
    and channel are functions of the (page URL, referrer URL) pair, so they are worked out per
    distinct pair too; the lists of distinct values are read from the checked table one or two
    columns at a time, and the wide event rows are read once, by the final join.
-#}
{%- set allowed = micro_conversions.setting('micro_conversions__allowed_query_parameters') -%}
{%- set parameters = (micro_conversions.attribution_parameters() + allowed) | unique | list -%}
{%- set internal_hosts = micro_conversions.setting('micro_conversions__internal_hosts') -%}
{%- set checked = ref('stg_events_checked') -%}
{%- set valid_rows -%}
    quarantine_reason is null and event_id_rank = 1 and {{ micro_conversions.is_in_staging_window('loaded_at', window) }}
{%- endset -%}
{%- set extra_columns = micro_conversions.extra_columns(ref('stg_events_checked'), micro_conversions.checked_event_columns()) -%}

with

valid_events as (

    select * from {{ checked }}
    where {{ valid_rows }}

),

referrer_sources as (

    select * from {{ micro_conversions.config_relation('referrer_sources') }}

),

page_urls_parsed as (

    select
        page_url,
        {{ micro_conversions.url_scheme('page_url') }} as page_scheme,
        {{ micro_conversions.url_host('page_url') }} as page_host,
        {{ micro_conversions.redact_emails(micro_conversions.url_path('page_url')) }} as page_path,
        {%- for name in parameters %}
            {{ micro_conversions.redact_emails(micro_conversions.url_parameter('page_url', name)) }} as param_{{ name }},
        {%- endfor %}
        -- Only allow-listed parameters survive, in a fixed order.
        {{ micro_conversions.query_string(allowed, prefix='page_param_') }} as page_query
    from (
        select page_url{{ micro_conversions.url_parameter_columns('page_url', allowed, 'page_param_') }}
        from (
            select distinct page_url
            from {{ checked }}
            where {{ valid_rows }}
                and page_url is not null
        ) as distinct_pages
    ) as with_allowed_parameters

),

referrer_urls as (

    select
        referrer_url,
        {{ micro_conversions.url_host('referrer_url') }} as referrer_host
    from (
        select distinct referrer_url
        from {{ checked }}
        where {{ valid_rows }}
            and referrer_url is not null
    ) as distinct_referrers

),

user_agents as (

    select
        user_agent,
        device_category,
        -- Join keys: empty text never occurs in a value (blanks became null), so '' stands for null
        -- and the join stays a plain equi-join (a null-safe comparison defeats hash joins on Postgres).
        coalesce(user_agent, '') as user_agent_key,
        coalesce(device_category, '') as device_category_key,
        {{ micro_conversions.device_category('device_category', 'user_agent') }} as device_category_derived,
        {{ micro_conversions.is_bot('user_agent') }} as is_bot
    from (
        select distinct
            user_agent,
            device_category
        from {{ checked }}
        where {{ valid_rows }}
    ) as distinct_agents

),

-- Every (page URL, referrer URL) pair the events have, with both URLs parsed.
url_pairs as (

    select
        coalesce(pairs.page_url, '') as page_url_key,
        coalesce(pairs.referrer_url, '') as referrer_url_key,
        page_urls_parsed.page_scheme,
        page_urls_parsed.page_host,
        coalesce(page_urls_parsed.page_path, '/') as page_path,
        page_urls_parsed.page_query,
        {%- for name in parameters %}
            page_urls_parsed.param_{{ name }},
        {%- endfor %}
        referrer_urls.referrer_host,
        coalesce(
            referrer_urls.referrer_host = page_urls_parsed.page_host
            {%- for host in internal_hosts %}
                or referrer_urls.referrer_host = '{{ host | lower }}'
            {%- endfor %},
            false
        ) as is_internal_referrer
    from (
        select distinct
            page_url,
            referrer_url
        from {{ checked }}
        where {{ valid_rows }}
    ) as pairs
    left join page_urls_parsed
        on pairs.page_url = page_urls_parsed.page_url
    left join referrer_urls
        on pairs.referrer_url = referrer_urls.referrer_url

),

referrer_hosts as (

    select distinct referrer_host
    from url_pairs
    where referrer_host is not null
        and not is_internal_referrer

),

referrer_hosts_classified as (

    select
        referrer_host,
        traffic_source,
        traffic_medium
    from (
        select
            referrers.referrer_host,
            rules.traffic_source,
            rules.traffic_medium,
            row_number() over (
                partition by referrers.referrer_host
                order by {{ micro_conversions.config_number('rules.priority', dbt.type_int()) }}
            ) as rule_rank
        from referrer_hosts as referrers
        inner join referrer_sources as rules
            on {{ micro_conversions.regexp_matches('referrers.referrer_host', 'rules.host_regex', case_insensitive=true) }}
    ) as ranked
    where rule_rank = 1

),

sources as (

    select
        pairs.*,
        -- Campaign tags win, then an ad click id, then an external referrer; otherwise direct.
        case
            when pairs.param_utm_source is not null
                or pairs.param_utm_medium is not null
                or pairs.param_utm_campaign is not null
                then coalesce(lower({{ micro_conversions.url_decode_spaces('pairs.param_utm_source') }}), '(not set)')
            when pairs.param_gclid is not null then 'google'
            when pairs.param_msclkid is not null then 'bing'
            when pairs.referrer_host is not null and not pairs.is_internal_referrer
                then coalesce(classified.traffic_source, pairs.referrer_host)
            else '(direct)'
        end as traffic_source,
        case
            when pairs.param_utm_source is not null
                or pairs.param_utm_medium is not null
                or pairs.param_utm_campaign is not null
                then coalesce(lower({{ micro_conversions.url_decode_spaces('pairs.param_utm_medium') }}), '(not set)')
            when pairs.param_gclid is not null or pairs.param_msclkid is not null then 'cpc'
            when pairs.referrer_host is not null and not pairs.is_internal_referrer
                then coalesce(classified.traffic_medium, 'referral')
            else '(none)'
        end as traffic_medium
    from url_pairs as pairs
    left join referrer_hosts_classified as classified
        on pairs.referrer_host = classified.referrer_host

),

source_medium_pairs as (

    select distinct
        traffic_source,
        traffic_medium
    from sources

),

channels as (

    {{ micro_conversions.classify_channels('source_medium_pairs') }}

),

-- What each (page URL, referrer URL) pair gives its events.
pair_attributes as (

    select
        sources.*,
        coalesce(channels.channel, 'Unassigned') as channel,
        row_number() over (order by sources.page_url_key, sources.referrer_url_key) as pair_id
    from sources
    left join channels
        on sources.traffic_source = channels.traffic_source
            and sources.traffic_medium = channels.traffic_medium

),

-- The pair of each event is found by a narrow key first, its attributes then by that key: the
-- joins that read every event build their hash tables on the distinct pairs, never on the
-- events (with the wide attributes in one join, DuckDB's estimates made it build on the events,
-- which at 100 M rows spills gigabytes).
pair_keys as (

    select
        page_url_key,
        referrer_url_key,
        pair_id
    from pair_attributes

),

final as (

    select
        events.event_id,
        events.event_at,
        events.visitor_id,
        -- A user id that is an e-mail address is replaced by a stable hash of it.
        case
            when {{ micro_conversions.regexp_matches('events.user_id', "'^[^@ ]+@[^@ ]+$'") }}
                then {{ dbt.concat(["'email-md5:'", dbt.hash('lower(events.user_id)')]) }}
            else events.user_id
        end as user_id,
        events.event_name,
        case
            when pairs.page_host is null then pairs.page_path
            else {{ dbt.concat([
                "coalesce(pairs.page_scheme, 'https')", "'://'", 'pairs.page_host', 'pairs.page_path',
                "coalesce('?' || pairs.page_query, '')"
            ]) }}
        end as page_url,
        pairs.page_host,
        pairs.page_path,
        pairs.page_query,
        {%- for name in ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] %}
            {{ micro_conversions.url_decode_spaces('pairs.param_' ~ name) }} as {{ name }},
        {%- endfor %}
        pairs.referrer_host,
        pairs.is_internal_referrer,
        pairs.traffic_source,
        pairs.traffic_medium,
        {{ micro_conversions.url_decode_spaces('pairs.param_utm_campaign') }} as traffic_campaign,
        pairs.traffic_source != '(direct)' as has_traffic_source,
        pairs.channel,
        events.user_agent,
        agents.device_category_derived as device_category,
        agents.is_bot,
        events.revenue,
        events.percent_scrolled,
        events.loaded_at,
        events.tracker_session_id
    {{ micro_conversions.trailing_columns(extra_columns, 'events.') }}
    from valid_events as events
    inner join pair_keys
        on coalesce(events.page_url, '') = pair_keys.page_url_key
            and coalesce(events.referrer_url, '') = pair_keys.referrer_url_key
    left join pair_attributes as pairs
        on pair_keys.pair_id = pairs.pair_id
    left join user_agents as agents
        on coalesce(events.user_agent, '') = agents.user_agent_key
            and coalesce(events.device_category, '') = agents.device_category_key

)

select * from final
