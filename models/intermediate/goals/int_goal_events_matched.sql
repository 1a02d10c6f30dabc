{%- set unit = micro_conversions.incremental_by('visitor_id') %}
{#- Incremental by visitor (see macros/incremental): goal completions and the funnel stream both
    read it, and a view would match every event again for each reader and each data test. -#}
{#-
    One row per event x goal it reaches, for the goal types reached by events (grain:
    event_id x goal_id). How each type matches: macros/goals/types (doc block `goal_types`).
-#}
with

-- Inlined into each of its readers, which read only their own columns (no copy of every event held).
events as {{ micro_conversions.cte_materialization(false) }} (

    select * from {{ ref('int_events_sessionized') }}
    where {{ micro_conversions.is_affected('visitor_id', unit) }}

),

goals as (

    select * from {{ ref('stg_goals') }}
    where goal_type in {{ micro_conversions.sql_string_list(micro_conversions.goal_type_names('event')) }}

),

goal_paths as (

    {{ micro_conversions.page_paths_matching('goals', 'goal_id', 'page_path_regex', 'events') }}

),

matches as (

    {{ micro_conversions.events_matching_rules(
        'events', 'goals', 'goal_paths', 'goal_id',
        ['event_id', 'session_id', 'visitor_id', 'event_at', 'revenue'],
        condition=micro_conversions.goal_event_condition(),
        rules_model='stg_goals',
        rules_where='goal_type in ' ~ micro_conversions.sql_string_list(micro_conversions.goal_type_names('event'))
    ) }}

),

final as (

    select
        event_id,
        goal_id,
        session_id,
        visitor_id,
        event_at,
        revenue,
        {{ micro_conversions.processed_at() }} as processed_at
    from matches

)

select * from final
