-- The duration buckets lose no one: per funnel step (ordered and strict funnels, steps after
-- the first) the actors of rpt_funnel_step_durations sum to rpt_funnel_steps.actors_reached, and
-- per macro goal the converters of rpt_time_to_convert sum to the visitors who reached it.
with

step_buckets as (

    select
        funnel_id,
        step_number,
        sum(actors) as actors
    from {{ ref('rpt_funnel_step_durations') }}
    group by funnel_id, step_number

),

steps as (

    select
        funnel_id,
        step_number,
        actors_reached
    from {{ ref('rpt_funnel_steps') }}
    where step_number > 1 and ordering != 'unordered'

),

goal_buckets as (

    select
        macro_goal_id,
        sum(converters) as converters
    from {{ ref('rpt_time_to_convert') }}
    group by macro_goal_id

),

goal_visitors as (

    select
        goal_id as macro_goal_id,
        count(distinct visitor_id) as converters
    from {{ ref('fct_goal_completions') }}
    where goal_kind = 'macro'
    group by goal_id

),

step_mismatches as (

    select
        steps.funnel_id as subject,
        steps.step_number,
        steps.actors_reached as expected,
        step_buckets.actors as bucketed
    from steps
    left join step_buckets
        on steps.funnel_id = step_buckets.funnel_id and steps.step_number = step_buckets.step_number
    where step_buckets.actors is null or step_buckets.actors != steps.actors_reached

),

goal_mismatches as (

    select
        goal_buckets.macro_goal_id as subject,
        0 as step_number,
        coalesce(goal_visitors.converters, 0) as expected,
        goal_buckets.converters as bucketed
    from goal_buckets
    left join goal_visitors
        on goal_buckets.macro_goal_id = goal_visitors.macro_goal_id
    where goal_buckets.converters != coalesce(goal_visitors.converters, 0)

)

select * from step_mismatches
union all
select * from goal_mismatches
