{#- `pages_per_session`: reached at the session's `threshold`-th page view (rounded up). -#}
{% macro goal_type__pages_per_session() -%}
    {%- set reached -%}
    select
        events.session_id,
        goals.goal_id,
        min(events.event_at) as first_completed_at
    from events
    inner join goals
        on goals.goal_type = 'pages_per_session'
            and events.page_view_number = {{ micro_conversions.ceiling('goals.threshold') }}
    group by events.session_id, goals.goal_id
    {%- endset -%}
    {{ return({
        'name': 'pages_per_session',
        'matched_per': 'session',
        'reached': reached,
        'checks': [
            {'when': micro_conversions.goal_threshold_is_not_positive(),
             'message': 'a pages_per_session goal needs a positive number of page views as threshold'},
        ],
    }) }}
{%- endmacro %}
