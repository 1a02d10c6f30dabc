{#- One row per funnel (grain: funnel_id), typed from the `funnels` seed, with its step count. -#}
with

funnels as (

    select * from {{ micro_conversions.config_relation('funnels') }}

),

steps as (

    select
        {{ micro_conversions.config_key('funnel_id') }} as funnel_id,
        count(*) as step_count
    from {{ micro_conversions.config_relation('funnel_steps') }}
    group by {{ micro_conversions.config_key('funnel_id') }}

),

final as (

    select
        {{ micro_conversions.config_key('funnels.funnel_id') }} as funnel_id,
        {{ micro_conversions.config_text('funnels.funnel_name') }} as funnel_name,
        {{ micro_conversions.config_key('funnels.scope') }} as scope,
        {{ micro_conversions.config_key('funnels.ordering') }} as ordering,
        {{ micro_conversions.config_number('funnels.window_seconds', micro_conversions.type_double()) }} as window_seconds,
        cast(coalesce(steps.step_count, 0) as {{ dbt.type_int() }}) as step_count
    from funnels
    left join steps
        on {{ micro_conversions.config_key('funnels.funnel_id') }} = steps.funnel_id

)

select * from final
