with

goals as (

    select * from {{ ref('stg_goals') }}

),

final as (

    select
        goal_id,
        goal_name,
        goal_kind,
        goal_type,
        event_name,
        page_path_regex,
        threshold,
        goal_value,
        stage,
        is_experimental
    from goals

)

select * from final
