{#-
    One row per event x event/destination goal it matches (grain: event_id x goal_id).
    An event goal matches events with its `event_name` (and, when given, a page path matching its
    `page_path_regex`); a destination goal matches page views whose path matches its regex.
    Regular expressions are evaluated once per distinct page path, not once per event.
-#}
with

events as (

    select * from {{ ref('int_events_sessionized') }}

),

goals as (

    select * from {{ ref('stg_goals') }}
    where goal_type in ('event', 'destination')

),

goal_paths as (

    {{ micro_conversions.page_paths_matching('goals', 'goal_id', 'page_path_regex', 'events') }}

),

final as (

    select
        events.event_id,
        goals.goal_id,
        events.session_id,
        events.visitor_id,
        events.event_at,
        events.revenue
    from events
    inner join goals
        on events.event_name = goals.event_name
    left join goal_paths
        on goals.goal_id = goal_paths.goal_id
            and events.page_path = goal_paths.page_path
    where goals.page_path_regex is null
        or goal_paths.goal_id is not null

)

select * from final
