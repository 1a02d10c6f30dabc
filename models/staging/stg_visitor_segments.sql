{#- One row per visitor segment rule (grain: segment), typed from the `visitor_segments` seed. -#}
with

rules as (

    select * from {{ ref('visitor_segments') }}

),

final as (

    select
        lower(trim(segment)) as segment,
        cast({{ micro_conversions.safe_cast_number('priority') }} as {{ dbt.type_int() }}) as priority,
        description,
        case
            when lower(trim(converted)) in ('true', 't', 'yes', 'y', '1') then true
            when lower(trim(converted)) in ('false', 'f', 'no', 'n', '0') then false
        end as converted,
        nullif(trim(required_goal_id), '') as required_goal_id,
        nullif(lower(trim(only_intent)), '') as only_intent,
        cast({{ micro_conversions.safe_cast_number('min_micro_goals') }} as {{ dbt.type_int() }}) as min_micro_goals
    from rules

)

select * from final
