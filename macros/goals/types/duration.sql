{#-
    `duration`: reached at the session's first event at least `threshold` seconds after its start.
    Only sessions that last that long (their last event is at or past the threshold) can reach
    it, so those are found first and only their events are read: the same sessions and times as
    comparing every event of every session with every duration goal.
-#}
{% macro goal_type__duration() -%}
    {%- set reached -%}
    select
        long_sessions.session_id,
        long_sessions.goal_id,
        min(events.event_at) as first_completed_at
    from (
        select
            sessions.session_id,
            sessions.session_start_at,
            goals.goal_id,
            goals.threshold
        from sessions
        inner join goals
            on goals.goal_type = 'duration'
                and sessions.duration_seconds >= goals.threshold
    ) as long_sessions
    inner join events
        on long_sessions.session_id = events.session_id
            and {{ micro_conversions.seconds_between('long_sessions.session_start_at', 'events.event_at') }}
            >= long_sessions.threshold
    group by long_sessions.session_id, long_sessions.goal_id
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
