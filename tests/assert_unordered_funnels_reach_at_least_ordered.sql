-- An unordered funnel with the same steps, scope and window as an ordered or strict one reaches
-- every step with at least as many actors: any ordered path is also a path in any order.
-- Returns each step where that fails.
with

funnels as (

    select * from {{ ref('dim_funnels') }}

),

signatures as (

    select
        funnel_id,
        ordering,
        scope,
        window_seconds,
        {{ dbt.listagg('goal_id', "','", 'order by step_number') }} as step_goals
    from funnels
    group by funnel_id, ordering, scope, window_seconds

),

pairs as (

    select
        unordered.funnel_id as unordered_funnel_id,
        other.funnel_id as ordered_funnel_id
    from signatures as unordered
    inner join signatures as other
        on unordered.step_goals = other.step_goals
            and unordered.scope = other.scope
            and unordered.window_seconds = other.window_seconds
    where unordered.ordering = 'unordered'
        and other.ordering in ('ordered', 'strict')

),

steps as (

    select * from {{ ref('rpt_funnel_steps') }}

)

select
    pairs.unordered_funnel_id,
    pairs.ordered_funnel_id,
    ordered_steps.step_number,
    unordered_steps.actors_reached as unordered_actors,
    ordered_steps.actors_reached as ordered_actors
from pairs
inner join steps as ordered_steps
    on pairs.ordered_funnel_id = ordered_steps.funnel_id
left join steps as unordered_steps
    on pairs.unordered_funnel_id = unordered_steps.funnel_id
        and ordered_steps.step_number = unordered_steps.step_number
where coalesce(unordered_steps.actors_reached, 0) < ordered_steps.actors_reached
