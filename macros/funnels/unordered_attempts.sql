{#-
    The CTEs counting unordered funnels' attempts, ending in `unordered_attempts` (the columns of
    `ordered_attempts`; only step 1's time is recorded). Used by int_funnel_attempts, whose
    description states the rules. Same inputs as ordered_funnel_attempts.

    Each step-matching event starts an attempt. Its window's last event is found with one sorted
    pass (a probe row at each window end, sorted after events at the same time); a step is
    completed when the running count of its goal's events, from the attempt's start to that last
    event, reaches the step's `goal_occurrence`.
-#}
{% macro unordered_funnel_attempts(funnel_stream, funnel_config) -%}
{#- Steps counted: those of the configured funnels (configured_funnel_shape). -#}
{%- set steps = range(1, micro_conversions.configured_funnel_shape().steps + 1) %}
-- For each attempt, where its window ends in the actor's events.
unordered_starts as (

    select
        funnel_stream.*,
        funnel_config.window_seconds,
        {{ dbt.dateadd('second', 'funnel_config.window_seconds', 'funnel_stream.event_at') }} as window_ends_at
    from {{ funnel_stream }} as funnel_stream
    inner join {{ funnel_config }} as funnel_config
        on funnel_stream.funnel_id = funnel_config.funnel_id
    where funnel_config.ordering = 'unordered'
        and funnel_stream.first_step is not null

),

window_probes as (

    select
        funnel_id,
        actor_id,
        event_at as sort_at,
        0 as is_probe,
        ordinal,
        cast(null as {{ dbt.type_bigint() }}) as start_ordinal
    from unordered_starts

    union all

    select
        funnel_id,
        actor_id,
        window_ends_at as sort_at,
        1 as is_probe,
        cast(null as {{ dbt.type_bigint() }}) as ordinal,
        ordinal as start_ordinal
    from unordered_starts

),

window_ends as (

    select
        funnel_id,
        actor_id,
        start_ordinal,
        last_ordinal_in_window
    from (
        select
            *,
            -- the last event at or before the window's end (probes sort after events at the same time)
            max(ordinal) over (
                partition by funnel_id, actor_id
                order by sort_at, is_probe
                rows between unbounded preceding and current row
            ) as last_ordinal_in_window
        from window_probes
    ) as probed
    where is_probe = 1

),

unordered_attempts as (

    select
        attempt_starts.funnel_id,
        attempt_starts.actor_id,
        attempt_starts.session_id as entry_session_id,
        attempt_starts.ordinal as start_ordinal,
        attempt_starts.event_at as step_1_at
        {%- for k in range(2, micro_conversions.max_funnel_steps() + 1) %},
            cast(null as timestamp) as step_{{ k }}_at
        {%- endfor %},
        -- an event fills one step at most: no more steps than events in the window
        least(
            window_end.ordinal - attempt_starts.ordinal + 1,
        {%- for k in steps %}
            case
                when funnel_config.step_count >= {{ k }}
                    and window_end.events_through_step_{{ k }}
                    - attempt_starts.events_through_step_{{ k }}
                    + attempt_starts.matches_step_{{ k }}
                    >= funnel_steps_{{ k }}.goal_occurrence
                    then 1
                else 0
            end{{ ' +' if not loop.last else '' }}
        {%- endfor %}
        ) as furthest_step,
        false as is_excluded
    from unordered_starts as attempt_starts
    inner join {{ funnel_config }} as funnel_config
        on attempt_starts.funnel_id = funnel_config.funnel_id
    inner join window_ends
        on attempt_starts.funnel_id = window_ends.funnel_id
            and attempt_starts.actor_id = window_ends.actor_id
            and attempt_starts.ordinal = window_ends.start_ordinal
    inner join {{ funnel_stream }} as window_end
        on window_ends.funnel_id = window_end.funnel_id
            and window_ends.actor_id = window_end.actor_id
            and window_ends.last_ordinal_in_window = window_end.ordinal
    {%- for k in steps %}
    left join {{ ref('stg_funnel_steps') }} as funnel_steps_{{ k }}
        on attempt_starts.funnel_id = funnel_steps_{{ k }}.funnel_id
            and funnel_steps_{{ k }}.step_number = {{ k }}
    {%- endfor %}

)
{%- endmacro %}
