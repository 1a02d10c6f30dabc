{#-
    One row per funnel step (grain: funnel_id, step_number), typed from the `funnel_steps` seed,
    with `goal_occurrence`: 1 for the first step of the funnel using this goal, 2 for the second
    (an identical later step needs another event of the goal), ...
-#}
with

steps as (

    select * from {{ micro_conversions.config_relation('funnel_steps') }}

),

typed as (

    select
        {{ micro_conversions.config_key('funnel_id') }} as funnel_id,
        {{ micro_conversions.config_number('step_number', dbt.type_int()) }} as step_number,
        {{ micro_conversions.config_text('step_name') }} as step_name,
        {{ micro_conversions.config_key('goal_id') }} as goal_id
    from steps

),

final as (

    select
        *,
        cast(row_number() over (partition by funnel_id, goal_id order by step_number) as {{ dbt.type_int() }})
            as goal_occurrence
    from typed

)

select * from final
