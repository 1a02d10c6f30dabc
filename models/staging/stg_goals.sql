{#- One row per configured goal (grain: goal_id), typed and normalised from the `goals` seed. -#}
with

goals as (

    select * from {{ ref('goals') }}

),

final as (

    select
        lower(trim(goal_id)) as goal_id,
        trim(goal_name) as goal_name,
        lower(trim(goal_kind)) as goal_kind,
        lower(trim(goal_type)) as goal_type,
        -- A destination goal is a page view whose path matches.
        case
            when lower(trim(goal_type)) = 'destination' then 'page_view'
            else nullif(lower(trim(event_name)), '')
        end as event_name,
        nullif(trim(page_path_regex), '') as page_path_regex,
        cast({{ micro_conversions.safe_cast_number('threshold') }} as {{ micro_conversions.type_double() }}) as threshold,
        cast({{ micro_conversions.safe_cast_number('goal_value') }} as {{ micro_conversions.type_money() }}) as goal_value,
        nullif(lower(trim(stage)), '') as stage,
        coalesce(lower(trim(is_experimental)) in ('true', 't', 'yes', 'y', '1'), false) as is_experimental
    from goals

)

select * from final
