{#- One row per micro goal (grain: goal_id): its estimated value beside the configured one. -#}
with

lift as (

    select * from {{ ref('rpt_micro_conversion_lift') }}

),

goals as (

    select * from {{ ref('stg_goals') }}
    where goal_kind = 'micro'

),

estimates as (

    select
        micro_goal_id,
        count(*) as macro_goals,
        sum(estimated_value_per_completion) as estimated_value_per_completion,
        sum(case when is_low_support then 1 else 0 end) as low_support_macro_goals
    from lift
    group by micro_goal_id

),

final as (

    select
        goals.goal_id,
        goals.goal_name,
        goals.is_experimental,
        cast(goals.goal_value as {{ micro_conversions.type_money() }}) as configured_goal_value,
        cast(estimates.macro_goals as {{ dbt.type_bigint() }}) as macro_goals,
        estimates.estimated_value_per_completion,
        estimates.estimated_value_per_completion / nullif(goals.goal_value, 0) as estimated_to_configured_ratio,
        coalesce(estimates.low_support_macro_goals > 0, true) as is_low_support
    from goals
    left join estimates
        on goals.goal_id = estimates.micro_goal_id

)

select * from final
