{#- One row per configured goal (grain: goal_id), typed and normalised from the goals seed. -#}
with

goals as (

    select * from {{ micro_conversions.config_relation('goals') }}

),

final as (

    select
        {{ micro_conversions.config_key('goal_id') }} as goal_id,
        {{ micro_conversions.config_text('goal_name') }} as goal_name,
        {{ micro_conversions.config_key('goal_kind') }} as goal_kind,
        {{ micro_conversions.config_key('goal_type') }} as goal_type,
        -- The goal type decides the event name when it fixes one (macros/goals).
        {{ micro_conversions.goal_event_name('goal_type', 'event_name') }} as event_name,
        {{ micro_conversions.config_text('page_path_regex') }} as page_path_regex,
        {{ micro_conversions.config_number('threshold', micro_conversions.type_double()) }} as threshold,
        {{ micro_conversions.config_number('goal_value', micro_conversions.type_money()) }} as goal_value,
        {{ micro_conversions.config_key('stage') }} as stage,
        {{ micro_conversions.config_boolean('is_experimental', 'false') }} as is_experimental
    from goals

)

select * from final
