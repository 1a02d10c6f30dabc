with

sessions as (

    select * from {{ ref('fct_sessions') }}

),

visitors as (

    select
        visitor_id,
        min(user_id) as user_id,
        min(session_start_at) as first_seen_at,
        max(session_end_at) as last_seen_at,
        cast(count(*) as {{ dbt.type_bigint() }}) as sessions,
        cast(sum(page_views) as {{ dbt.type_bigint() }}) as page_views,
        cast(sum(event_count) as {{ dbt.type_bigint() }}) as events,
        cast(sum(macro_conversions) as {{ dbt.type_bigint() }}) as macro_conversions,
        max(case when session_number = 1 then channel end) as first_touch_channel,
        max(case when session_number = 1 then source end) as first_touch_source,
        max(case when session_number = 1 then medium end) as first_touch_medium,
        max(case when session_number = 1 then campaign end) as first_touch_campaign,
        max(case when session_number = 1 then device_category end) as first_device_category
    from sessions
    group by visitor_id

),

final as (

    select
        visitor_id,
        user_id,
        first_seen_at,
        last_seen_at,
        sessions,
        sessions > 1 as is_returning,
        page_views,
        events,
        first_touch_channel,
        first_touch_source,
        first_touch_medium,
        first_touch_campaign,
        first_device_category,
        macro_conversions > 0 as converted
    from visitors

)

select * from final
