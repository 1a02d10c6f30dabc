with

funnels as (

    select * from {{ ref('stg_funnels') }}

),

funnel_steps as (

    select * from {{ ref('stg_funnel_steps') }}

),

final as (

    select
        funnels.funnel_id,
        funnel_steps.step_number,
        funnels.funnel_name,
        funnels.scope,
        funnels.ordering,
        funnels.window_seconds,
        funnels.step_count,
        funnel_steps.step_name,
        funnel_steps.goal_id
    from funnels
    inner join funnel_steps
        on funnels.funnel_id = funnel_steps.funnel_id

)

select * from final
