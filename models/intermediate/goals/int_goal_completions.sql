{%- set unit = micro_conversions.incremental_by('visitor_id') %}
{#- Runs after int_sessions_replaced_this_run, which reads this model's rows before they are
    rewritten (for the daily goal reports, models/state/int_session_dates_this_run.sql). -#}
{%- if not execute %}{% do ref('int_sessions_replaced_this_run') %}{% endif %}
{#- One row per session x goal reached (grain: session_id, goal_id); how each goal type is
    reached: macros/goals/types.
    Incremental by visitor (see macros/incremental). -#}
-- The goal types' SQL is templated in, which the indentation rule cannot follow.
-- noqa: disable=LT02
with

goals as (

    select * from {{ ref('stg_goals') }}

),

matched_events as (

    select * from {{ ref('int_goal_events_matched') }}
    where {{ micro_conversions.is_affected('visitor_id', unit) }}

),

-- Inlined into each of its readers, which read only their own columns (no copy of every event held).
events as {{ micro_conversions.cte_materialization(false) }} (

    select * from {{ ref('int_events_sessionized') }}
    where {{ micro_conversions.is_affected('visitor_id', unit) }}

),

sessions as {{ micro_conversions.cte_materialization(false) }} (

    select * from {{ ref('int_sessions_aggregated') }}
    where {{ micro_conversions.is_affected('visitor_id', unit) }}

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

-- Goals of the types reached once per session, at the time each type's macro gives
-- (macros/goals/types).
session_goals_reached as (
    {%- for goal_type in micro_conversions.goal_types() if goal_type.matched_per == 'session' %}

    select
        session_id,
        goal_id,
        first_completed_at
    from ({{ goal_type.reached }}) as {{ goal_type.name }}_reached
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}

),

reached as (

    select * from event_goals_reached

    union all

    select
        session_id,
        goal_id,
        1 as completions,
        first_completed_at,
        cast(null as {{ micro_conversions.type_money() }}) as revenue
    from session_goals_reached

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
