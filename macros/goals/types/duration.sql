{#- `duration`: reached at the session's first event at least `threshold` seconds after its start. -#}
{% macro goal_type__duration() -%}
    {%- set reached -%}
    select
        events.session_id,
        goals.goal_id,
        min(events.event_at) as first_completed_at
    from events
    inner join sessions
        on events.session_id = sessions.session_id
    inner join goals
        on goals.goal_type = 'duration'
            and {{ micro_conversions.seconds_between('sessions.session_start_at', 'events.event_at') }} >= goals.threshold
    group by events.session_id, goals.goal_id
    {%- endset -%}
    {{ return({
        'name': 'duration',
        'matched_per': 'session',
        'reached': reached,
        'checks': [
            {'when': micro_conversions.goal_threshold_is_not_positive(),
             'message': 'a duration goal needs a positive number of seconds as threshold'},
        ],
    }) }}
{%- endmacro %}
