{#- Raw rows that break the raw event contract, as they arrived (text), with the reason. -#}
with

checked as (

    select * from {{ ref('stg_events_checked') }}

),

final as (

    select
        quarantine_reason,
        event_id,
        event_at_text as event_at,
        visitor_id,
        user_id,
        event_name,
        page_url,
        referrer_url,
        user_agent,
        device_category,
        revenue_text as revenue,
        percent_scrolled_text as percent_scrolled,
        loaded_at_text as loaded_at,
        tracker_session_id
    from checked
    where quarantine_reason is not null

)

select * from final
