{#-
    One row per funnel exclusion rule (grain: funnel_id, exclusion_number), typed from the
    `funnel_exclusions` seed. What a rule excludes: doc block `funnel_exclusion_rule`
    (models/docs.md).
-#}
with

exclusions as (

    select * from {{ micro_conversions.config_relation('funnel_exclusions') }}

),

typed as (

    select
        {{ micro_conversions.config_key('funnel_id') }} as funnel_id,
        {{ micro_conversions.config_key('goal_id') }} as goal_id,
        {{ micro_conversions.config_number('after_step', dbt.type_int()) }} as after_step,
        {{ micro_conversions.config_number('before_step', dbt.type_int()) }} as before_step
    from exclusions

),

final as (

    select
        *,
        cast(row_number() over (partition by funnel_id order by after_step, before_step, goal_id) as {{ dbt.type_int() }})
            as exclusion_number
    from typed

)

select * from final
