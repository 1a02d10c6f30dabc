{#- `repeat_visit`: the visitor's `threshold`-th session and every later one, reached at its start. -#}
{% macro goal_type__repeat_visit() -%}
    {%- set reached -%}
    select
        sessions.session_id,
        goals.goal_id,
        sessions.session_start_at as first_completed_at
    from sessions
    inner join goals
        on goals.goal_type = 'repeat_visit'
            and sessions.session_number >= goals.threshold
    {%- endset -%}
    {{ return({
        'name': 'repeat_visit',
        'matched_per': 'session',
        'reached': reached,
        'checks': [
            {'when': micro_conversions.goal_threshold_is_not_positive(),
             'message': 'a repeat_visit goal needs a positive session number as threshold'},
        ],
    }) }}
{%- endmacro %}
