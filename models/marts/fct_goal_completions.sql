{{ micro_conversions.incremental_by('visitor_id', 'visitors_changed', 'all_visitors') }}
{#- One row per session x goal reached; see the model description for each goal type.
    Incremental by visitor (see macros/incremental). -#}
with

goals as (

    select * from {{ ref('stg_goals') }}

),

matched_events as (

    select * from {{ ref('int_goal_events_matched') }}
    where {{ micro_conversions.is_affected('visitor_id', 'visitor_id') }}

),

events as (

    select * from {{ ref('int_events_sessionized') }}
    where {{ micro_conversions.is_affected('visitor_id', 'visitor_id') }}

),

sessions as (

    select * from {{ ref('int_sessions_aggregated') }}
    where {{ micro_conversions.is_affected('visitor_id', 'visitor_id') }}

),

event_goals_reached as (

    select
        session_id,
        goal_id,
        count(*) as completions,
        min(event_at) as first_completed_at,
        sum(revenue) as revenue
    from matched_events
    group by session_id, goal_id

),

-- Duration goal: reached at the session's first event at least `threshold` seconds after its start.
duration_goals_reached as (

    select
        events.session_id,
        goals.goal_id,
        1 as completions,
        min(events.event_at) as first_completed_at,
        cast(null as {{ micro_conversions.type_money() }}) as revenue
    from events
    inner join sessions
        on events.session_id = sessions.session_id
    inner join goals
        on goals.goal_type = 'duration'
            and {{ micro_conversions.seconds_between('sessions.session_start_at', 'events.event_at') }} >= goals.threshold
    group by events.session_id, goals.goal_id

),

-- Pages-per-session goal: reached at the session's `threshold`-th page view.
page_goals_reached as (

    select
        events.session_id,
        goals.goal_id,
        1 as completions,
        min(events.event_at) as first_completed_at,
        cast(null as {{ micro_conversions.type_money() }}) as revenue
    from events
    inner join goals
        on goals.goal_type = 'pages_per_session'
            and events.page_view_number = {{ micro_conversions.ceiling('goals.threshold') }}
    group by events.session_id, goals.goal_id

),

-- Repeat-visit goal: the visitor's `threshold`-th session or a later one, reached at its start.
visit_goals_reached as (

    select
        sessions.session_id,
        goals.goal_id,
        1 as completions,
        sessions.session_start_at as first_completed_at,
        cast(null as {{ micro_conversions.type_money() }}) as revenue
    from sessions
    inner join goals
        on goals.goal_type = 'repeat_visit'
            and sessions.session_number >= goals.threshold

),

reached as (

    select * from event_goals_reached
    union all
    select * from duration_goals_reached
    union all
    select * from page_goals_reached
    union all
    select * from visit_goals_reached

),

final as (

    select
        reached.session_id,
        reached.goal_id,
        sessions.visitor_id,
        goals.goal_kind,
        goals.is_experimental,
        cast(reached.completions as {{ dbt.type_bigint() }}) as completions,
        reached.first_completed_at,
        -- A fixed value counts once per converting session; without one, the events' revenue.
        cast(coalesce(goals.goal_value, reached.revenue, 0) as {{ micro_conversions.type_money() }}) as goal_value,
        {{ micro_conversions.processed_at() }} as processed_at
    from reached
    inner join goals
        on reached.goal_id = goals.goal_id
    inner join sessions
        on reached.session_id = sessions.session_id

)

select * from final
