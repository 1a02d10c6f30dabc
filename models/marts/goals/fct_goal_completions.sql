{{ config(materialized='view') }}
{#-
    One row per session x goal reached (grain: session_id, goal_id): int_goal_completions, where
    every goal rule is applied (incrementally), published as a view. Its rows are that table's,
    never a copy: the table's enforced contract holds every column of this one non-null, and the
    view cannot lag behind it.
-#}
with

completions as (

    select * from {{ ref('int_goal_completions') }}

),

final as (

    select
        session_id,
        goal_id,
        visitor_id,
        goal_kind,
        is_experimental,
        completions,
        first_completed_at,
        goal_value,
        processed_at
    from completions

)

select * from final
