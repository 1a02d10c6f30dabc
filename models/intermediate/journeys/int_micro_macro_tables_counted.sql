{{ config(materialized='table') }}
{#- A table: small (micro x macro goals), but a view would join every visitor's goals again
    for the lift report and for its data test. -#}
{#-
    One row per micro goal x macro goal (grain: micro_goal_id, macro_goal_id): the 2x2 table of
    visitors (with / without the micro goal x converted / not to the macro goal) and the macro
    value on each side. A visitor has the micro goal only if its first completion came strictly
    before the visitor's first conversion to that macro goal (or the visitor never converted):
    a micro-conversion after the purchase is not credited.
-#}
with

goals as (

    select * from {{ ref('stg_goals') }}

),

-- The goal tables are inlined into each reader: each reads only its own columns and rows.
visitor_goals as {{ micro_conversions.cte_materialization(false) }} (

    select * from {{ ref('int_visitor_goals_aggregated') }}

),

session_goals as {{ micro_conversions.cte_materialization(false) }} (

    select * from {{ ref('int_goal_completions') }}

),

sessions as (

    select * from {{ ref('int_sessions_aggregated') }}

),

-- Every visitor with a session: the rows of dim_visitors.
population as (

    select count(distinct visitor_id) as visitors from sessions

),

pairs as (

    select
        micro_goals.goal_id as micro_goal_id,
        macro_goals.goal_id as macro_goal_id
    from goals as micro_goals
    cross join goals as macro_goals
    where micro_goals.goal_kind = 'micro'
        and macro_goals.goal_kind = 'macro'

),

macro_reached as (

    select
        visitor_id,
        goal_id as macro_goal_id,
        first_completed_at as converted_at,
        goal_value as macro_value
    from visitor_goals
    where goal_kind = 'macro'

),

macro_totals as (

    select
        macro_goal_id,
        count(*) as converters,
        sum(macro_value) as macro_value
    from macro_reached
    group by macro_goal_id

),

micro_goals as (

    select goal_id
    from goals
    where goal_kind = 'micro'

),

-- Every visitor and every session that reached each micro goal, whenever it did.
micro_visitor_totals as (

    select
        visitor_goals.goal_id as micro_goal_id,
        count(*) as visitors_reached
    from visitor_goals
    inner join micro_goals
        on visitor_goals.goal_id = micro_goals.goal_id
    group by visitor_goals.goal_id

),

micro_session_totals as (

    select
        session_goals.goal_id as micro_goal_id,
        count(*) as sessions_reached
    from session_goals
    inner join micro_goals
        on session_goals.goal_id = micro_goals.goal_id
    group by session_goals.goal_id

),

-- Converters' micro goals, each credited if it came strictly before the conversion (or the
-- conversion has no time). Everyone else who reached a micro goal is credited with it, so the
-- counts below are the totals above minus what converters reached too late. Only inner joins
-- against the converters, the small side: the earlier form, a left join of every micro row over
-- the macro goals, ran out of memory at 100M events.
converter_visitor_goals as (

    select
        visitor_goals.goal_id as micro_goal_id,
        macro_reached.macro_goal_id,
        macro_reached.macro_value,
        coalesce(
            macro_reached.converted_at is null or visitor_goals.first_completed_at < macro_reached.converted_at,
            false
        ) as is_credited
    from visitor_goals
    inner join micro_goals
        on visitor_goals.goal_id = micro_goals.goal_id
    inner join macro_reached
        on visitor_goals.visitor_id = macro_reached.visitor_id

),

converter_session_goals as (

    select
        session_goals.goal_id as micro_goal_id,
        macro_reached.macro_goal_id,
        coalesce(
            macro_reached.converted_at is null or session_goals.first_completed_at < macro_reached.converted_at,
            false
        ) as is_credited
    from session_goals
    inner join micro_goals
        on session_goals.goal_id = micro_goals.goal_id
    inner join macro_reached
        on session_goals.visitor_id = macro_reached.visitor_id

),

converter_visitor_counts as (

    select
        micro_goal_id,
        macro_goal_id,
        count(case when is_credited then 1 end) as converted_with,
        count(case when not is_credited then 1 end) as reached_too_late,
        sum(case when is_credited then macro_value else 0 end) as macro_value_with
    from converter_visitor_goals
    group by micro_goal_id, macro_goal_id

),

converter_session_counts as (

    select
        micro_goal_id,
        macro_goal_id,
        count(case when not is_credited then 1 end) as sessions_too_late
    from converter_session_goals
    group by micro_goal_id, macro_goal_id

),

with_micro as (

    select
        pairs.micro_goal_id,
        pairs.macro_goal_id,
        coalesce(micro_visitor_totals.visitors_reached, 0)
        - coalesce(converter_visitor_counts.reached_too_late, 0) as visitors_with,
        coalesce(converter_visitor_counts.converted_with, 0) as converted_with,
        coalesce(converter_visitor_counts.macro_value_with, 0) as macro_value_with,
        coalesce(micro_session_totals.sessions_reached, 0)
        - coalesce(converter_session_counts.sessions_too_late, 0) as micro_sessions
    from pairs
    left join micro_visitor_totals
        on pairs.micro_goal_id = micro_visitor_totals.micro_goal_id
    left join micro_session_totals
        on pairs.micro_goal_id = micro_session_totals.micro_goal_id
    left join converter_visitor_counts
        on pairs.micro_goal_id = converter_visitor_counts.micro_goal_id
            and pairs.macro_goal_id = converter_visitor_counts.macro_goal_id
    left join converter_session_counts
        on pairs.micro_goal_id = converter_session_counts.micro_goal_id
            and pairs.macro_goal_id = converter_session_counts.macro_goal_id

),

final as (

    select
        with_micro.micro_goal_id,
        with_micro.macro_goal_id,
        population.visitors,
        coalesce(macro_totals.converters, 0) as converters,
        with_micro.visitors_with,
        with_micro.converted_with,
        population.visitors - with_micro.visitors_with as visitors_without,
        coalesce(macro_totals.converters, 0) - with_micro.converted_with as converted_without,
        with_micro.micro_sessions,
        with_micro.macro_value_with,
        coalesce(macro_totals.macro_value, 0) - with_micro.macro_value_with as macro_value_without
    from with_micro
    cross join population
    left join macro_totals
        on with_micro.macro_goal_id = macro_totals.macro_goal_id

)

select * from final
