{#- One row per funnel (grain: funnel_id), typed from the `funnels` seed, with its step count. -#}
with

funnels as (

    select * from {{ ref('funnels') }}

),

steps as (

    select
        lower(trim(funnel_id)) as funnel_id,
        count(*) as step_count
    from {{ ref('funnel_steps') }}
    group by lower(trim(funnel_id))

),

final as (

    select
        lower(trim(funnels.funnel_id)) as funnel_id,
        trim(funnels.funnel_name) as funnel_name,
        lower(trim(funnels.scope)) as scope,
        lower(trim(funnels.ordering)) as ordering,
        cast({{ micro_conversions.safe_cast_number('funnels.window_seconds') }} as {{ micro_conversions.type_double() }})
            as window_seconds,
        cast(coalesce(steps.step_count, 0) as {{ dbt.type_int() }}) as step_count
    from funnels
    left join steps
        on lower(trim(funnels.funnel_id)) = steps.funnel_id

)

select * from final
