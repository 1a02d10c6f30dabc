{{ config(materialized="table") }}
{#- A table, not a view: every session, goal and funnel model reads it. -#}
{#-
    One row per valid, deduplicated event: typed, in UTC, URL parsed and scrubbed of personal
    data, traffic source and channel classified, bots flagged.
-#}
{%- set allowed = var('micro_conversions__allowed_query_parameters') -%}
{%- set parameters = (micro_conversions.attribution_parameters() + allowed) | unique | list -%}
{%- set internal_hosts = var('micro_conversions__internal_hosts') -%}
{%- set extra_columns = micro_conversions.extra_columns(ref('stg_events_checked'), micro_conversions.checked_event_columns()) -%}

with

checked as (

    select * from {{ ref('stg_events_checked') }}

),

referrer_sources as (

    select * from {{ ref('referrer_sources') }}

),

valid_events as (

    select *
    from checked
    where quarantine_reason is null
        and event_id_rank = 1

),

urls_parsed as (

    select
        event_id,
        {{ micro_conversions.url_scheme('page_url') }} as page_scheme,
        {{ micro_conversions.url_host('page_url') }} as page_host,
        {{ micro_conversions.redact_emails(micro_conversions.url_path('page_url')) }} as page_path,
        {%- for name in parameters %}
            {{ micro_conversions.redact_emails(micro_conversions.url_parameter('page_url', name)) }} as param_{{ name }},
        {%- endfor %}
        {{ micro_conversions.url_host('referrer_url') }} as referrer_host
    from valid_events

),

urls_scrubbed as (

    select
        *,
        -- Only allow-listed parameters survive, in a fixed order.
        {{ micro_conversions.query_string(allowed) }} as page_query,
        coalesce(
            referrer_host = page_host
            {%- for host in internal_hosts %}
            or referrer_host = '{{ host | lower }}'
            {%- endfor %},
            false
        ) as is_internal_referrer
    from urls_parsed

),

referrer_hosts as (

    select distinct referrer_host
    from urls_scrubbed
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
            row_number() over (partition by referrers.referrer_host order by rules.priority) as rule_rank
        from referrer_hosts as referrers
        inner join referrer_sources as rules
            on {{ micro_conversions.regexp_matches('referrers.referrer_host', 'rules.host_regex', case_insensitive=true) }}
    ) as ranked
    where rule_rank = 1

),

sources as (

    select
        urls.*,
        -- Campaign tags win, then an ad click id, then an external referrer; otherwise direct.
        case
            when urls.param_utm_source is not null
                or urls.param_utm_medium is not null
                or urls.param_utm_campaign is not null
                then coalesce(lower({{ micro_conversions.url_decode_spaces('urls.param_utm_source') }}), '(not set)')
            when urls.param_gclid is not null then 'google'
            when urls.param_msclkid is not null then 'bing'
            when urls.referrer_host is not null and not urls.is_internal_referrer
                then coalesce(classified.traffic_source, urls.referrer_host)
            else '(direct)'
        end as traffic_source,
        case
            when urls.param_utm_source is not null
                or urls.param_utm_medium is not null
                or urls.param_utm_campaign is not null
                then coalesce(lower({{ micro_conversions.url_decode_spaces('urls.param_utm_medium') }}), '(not set)')
            when urls.param_gclid is not null or urls.param_msclkid is not null then 'cpc'
            when urls.referrer_host is not null and not urls.is_internal_referrer
                then coalesce(classified.traffic_medium, 'referral')
            else '(none)'
        end as traffic_medium
    from urls_scrubbed as urls
    left join referrer_hosts_classified as classified
        on urls.referrer_host = classified.referrer_host

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

final as (

    select
        valid_events.event_id,
        valid_events.event_at,
        valid_events.visitor_id,
        -- A user id that is an e-mail address is replaced by a stable hash of it.
        case
            when {{ micro_conversions.regexp_matches('valid_events.user_id', "'^[^@ ]+@[^@ ]+$'") }}
                then {{ dbt.concat(["'email-md5:'", dbt.hash('lower(valid_events.user_id)')]) }}
            else valid_events.user_id
        end as user_id,
        valid_events.event_name,
        case
            when urls.page_host is null then urls.page_path
            else {{ dbt.concat([
                "coalesce(urls.page_scheme, 'https')", "'://'", 'urls.page_host', 'urls.page_path',
                "coalesce('?' || urls.page_query, '')"
            ]) }}
        end as page_url,
        urls.page_host,
        urls.page_path,
        urls.page_query,
        {%- for name in ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] %}
            {{ micro_conversions.url_decode_spaces('urls.param_' ~ name) }} as {{ name }},
        {%- endfor %}
        urls.referrer_host,
        urls.is_internal_referrer,
        urls.traffic_source,
        urls.traffic_medium,
        {{ micro_conversions.url_decode_spaces('urls.param_utm_campaign') }} as traffic_campaign,
        urls.traffic_source != '(direct)' as has_traffic_source,
        coalesce(channels.channel, 'Unassigned') as channel,
        valid_events.user_agent,
        {{ micro_conversions.device_category('valid_events.device_category', 'valid_events.user_agent') }} as device_category,
        {{ micro_conversions.is_bot('valid_events.user_agent') }} as is_bot,
        valid_events.revenue,
        valid_events.loaded_at
    {%- for column in extra_columns %},
        valid_events.{{ adapter.quote(column) }}
        {%- endfor %}
    from valid_events
    inner join sources as urls
        on valid_events.event_id = urls.event_id
    left join channels
        on urls.traffic_source = channels.traffic_source
            and urls.traffic_medium = channels.traffic_medium

)

select * from final
