{%- set unit = micro_conversions.incremental_by('visitor_id') %}
{#- Incremental by visitor (see macros/incremental): a run regroups the goals of the visitors it
    rebuilds. Stored, not a view: dim_visitors, the journeys and the micro/macro tables all read
    it, and a view would group every goal completion again for each reader and each data test. -#}
{#-
    One row per visitor x goal the visitor reached (grain: visitor_id, goal_id), from the goal
    fact so every goal rule lives in one place.
-#}
with

completions as (

    select * from {{ ref('int_goal_completions') }}
    where {{ micro_conversions.is_affected('visitor_id', unit) }}

),

final as (

    select
        visitor_id,
        goal_id,
        min(goal_kind) as goal_kind,
        min(first_completed_at) as first_completed_at,
        count(*) as sessions_reached,
        sum(completions) as completions,
        sum(goal_value) as goal_value,
        {{ micro_conversions.processed_at() }} as processed_at
    from completions
    group by visitor_id, goal_id

)

select * from final
