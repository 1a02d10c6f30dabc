{%- set unit = micro_conversions.incremental_by('visitor_id') %}
{#- Incremental by visitor (see macros/incremental): read by goal completions and fct_sessions. -#}
with

-- Inlined into each of its readers, which read only their own columns (no copy of every event held).
events as {{ micro_conversions.cte_materialization(false) }} (

    select * from {{ ref('int_events_sessionized') }}
    where {{ micro_conversions.is_affected('visitor_id', unit) }}

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
        max(case when event_number = 1 then page_path end) as first_event_page_path,
        -- Attribution and device come from the session's first event.
        max(case when event_number = 1 then channel end) as channel,
        max(case when event_number = 1 then traffic_source end) as traffic_source,
        max(case when event_number = 1 then traffic_medium end) as traffic_medium,
        max(case when event_number = 1 then traffic_campaign end) as traffic_campaign,
        max(case when event_number = 1 then device_category end) as device_category
    from events
    group by session_id

),

-- The last page view of a session is its page view numbered `page_views` (numbers run 1, 2, ...
-- in the session): found with an equi-join, not another sort of the events.
exit_pages as (

    select
        events.session_id,
        events.page_path
    from events
    inner join sessions
        on events.session_id = sessions.session_id
            and events.page_view_number = sessions.page_views
    where events.event_name = 'page_view'

),

final as (

    select
        sessions.session_id,
        sessions.visitor_id,
        sessions.user_id,
        sessions.session_number,
        sessions.session_start_at,
        sessions.session_end_at,
        {{ micro_conversions.seconds_between('sessions.session_start_at', 'sessions.session_end_at') }} as duration_seconds,
        sessions.page_views,
        sessions.event_count,
        sessions.landing_page_path,
        coalesce(exit_pages.page_path, sessions.first_event_page_path) as exit_page_path,
        sessions.channel,
        sessions.traffic_source,
        sessions.traffic_medium,
        sessions.traffic_campaign,
        sessions.device_category,
        {{ micro_conversions.processed_at() }} as processed_at
    from sessions
    left join exit_pages
        on sessions.session_id = exit_pages.session_id

)

select * from final
