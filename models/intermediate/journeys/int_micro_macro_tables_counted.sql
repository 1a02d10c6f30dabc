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

visitor_goals as (

    select * from {{ ref('int_visitor_goals_aggregated') }}

),

session_goals as (

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

-- Visitors credited with the micro goal for each macro goal, and whether they converted to it.
micro_credited as (

    select
        pairs.micro_goal_id,
        pairs.macro_goal_id,
        visitor_goals.visitor_id,
        macro_reached.visitor_id is not null as converted,
        coalesce(macro_reached.macro_value, 0) as macro_value
    from visitor_goals
    inner join pairs
        on visitor_goals.goal_id = pairs.micro_goal_id
    left join macro_reached
        on visitor_goals.visitor_id = macro_reached.visitor_id
            and pairs.macro_goal_id = macro_reached.macro_goal_id
    where macro_reached.converted_at is null
        or visitor_goals.first_completed_at < macro_reached.converted_at

),

-- Sessions that reached the micro goal before the visitor's conversion (the unit a goal value is credited in).
micro_sessions_credited as (

    select
        pairs.micro_goal_id,
        pairs.macro_goal_id,
        count(*) as micro_sessions
    from session_goals
    inner join pairs
        on session_goals.goal_id = pairs.micro_goal_id
    left join macro_reached
        on session_goals.visitor_id = macro_reached.visitor_id
            and pairs.macro_goal_id = macro_reached.macro_goal_id
    where macro_reached.converted_at is null
        or session_goals.first_completed_at < macro_reached.converted_at
    group by pairs.micro_goal_id, pairs.macro_goal_id

),

with_micro as (

    select
        micro_goal_id,
        macro_goal_id,
        count(*) as visitors_with,
        sum(case when converted then 1 else 0 end) as converted_with,
        sum(macro_value) as macro_value_with
    from micro_credited
    group by micro_goal_id, macro_goal_id

),

final as (

    select
        pairs.micro_goal_id,
        pairs.macro_goal_id,
        population.visitors,
        coalesce(macro_totals.converters, 0) as converters,
        coalesce(with_micro.visitors_with, 0) as visitors_with,
        coalesce(with_micro.converted_with, 0) as converted_with,
        population.visitors - coalesce(with_micro.visitors_with, 0) as visitors_without,
        coalesce(macro_totals.converters, 0) - coalesce(with_micro.converted_with, 0) as converted_without,
        coalesce(micro_sessions_credited.micro_sessions, 0) as micro_sessions,
        coalesce(with_micro.macro_value_with, 0) as macro_value_with,
        coalesce(macro_totals.macro_value, 0) - coalesce(with_micro.macro_value_with, 0) as macro_value_without
    from pairs
    cross join population
    left join macro_totals
        on pairs.macro_goal_id = macro_totals.macro_goal_id
    left join with_micro
        on pairs.micro_goal_id = with_micro.micro_goal_id
            and pairs.macro_goal_id = with_micro.macro_goal_id
    left join micro_sessions_credited
        on pairs.micro_goal_id = micro_sessions_credited.micro_goal_id
            and pairs.macro_goal_id = micro_sessions_credited.macro_goal_id

)

select * from final
