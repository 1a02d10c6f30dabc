{%- set unit = micro_conversions.incremental_by('visitor_id') %}
{#- Incremental by visitor (see macros/incremental): read by goal completions and fct_sessions. -#}
with

events as (

    select * from {{ ref('int_events_sessionized') }}
    where {{ micro_conversions.is_affected('visitor_id', unit) }}

),

events_ranked as (

    select
        *,
        case
            when event_name = 'page_view' then row_number() over (
                    partition by session_id, event_name = 'page_view'
                    order by event_at desc, event_id desc
                )
        end as page_view_number_from_end
    from events

),

sessions as (

    select
        session_id,
        min(visitor_id) as visitor_id,
        min(user_id) as user_id,
        min(session_number) as session_number,
        min(event_at) as session_start_at,
        max(event_at) as session_end_at,
        cast(sum(case when event_name = 'page_view' then 1 else 0 end) as {{ dbt.type_bigint() }}) as page_views,
        cast(count(*) as {{ dbt.type_bigint() }}) as event_count,
        -- The first and last page viewed; a session without page views lands on its first event's page.
        coalesce(
            max(case when page_view_number = 1 then page_path end),
            max(case when event_number = 1 then page_path end)
        ) as landing_page_path,
        coalesce(
            max(case when page_view_number_from_end = 1 then page_path end),
            max(case when event_number = 1 then page_path end)
        ) as exit_page_path,
        -- Attribution and device come from the session's first event.
        max(case when event_number = 1 then channel end) as channel,
        max(case when event_number = 1 then traffic_source end) as traffic_source,
        max(case when event_number = 1 then traffic_medium end) as traffic_medium,
        max(case when event_number = 1 then traffic_campaign end) as traffic_campaign,
        max(case when event_number = 1 then device_category end) as device_category
    from events_ranked
    group by session_id

),

final as (

    select
        session_id,
        visitor_id,
        user_id,
        session_number,
        session_start_at,
        session_end_at,
        {{ micro_conversions.seconds_between('session_start_at', 'session_end_at') }} as duration_seconds,
        page_views,
        event_count,
        landing_page_path,
        exit_page_path,
        channel,
        traffic_source,
        traffic_medium,
        traffic_campaign,
        device_category,
        {{ micro_conversions.processed_at() }} as processed_at
    from sessions

)

select * from final
