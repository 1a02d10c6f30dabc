{#- One row per visitor segment rule (grain: segment), typed from the `visitor_segments` seed. -#}
with

rules as (

    select * from {{ micro_conversions.config_relation('visitor_segments') }}

),

final as (

    select
        {{ micro_conversions.config_key('segment') }} as segment,
        {{ micro_conversions.config_number('priority', dbt.type_int()) }} as priority,
        description,
        {{ micro_conversions.config_boolean('converted') }} as converted,
        {{ micro_conversions.config_key('required_goal_id') }} as required_goal_id,
        {{ micro_conversions.config_key('only_intent') }} as only_intent,
        {{ micro_conversions.config_number('min_micro_goals', dbt.type_int()) }} as min_micro_goals
    from rules

)

select * from final
