{%- set unit = micro_conversions.incremental_by('visitor_id') %}
{#- Incremental by visitor (see macros/incremental), like the model it publishes. -#}
{#-
    One row per session x goal reached (grain: session_id, goal_id): the goal completions of
    int_goal_completions, where every goal rule is applied (incrementally), published as a fact.
-#}
with

completions as (

    select * from {{ ref('int_goal_completions') }}
    where {{ micro_conversions.is_affected('visitor_id', unit) }}

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
