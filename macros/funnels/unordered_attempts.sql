{#-
    The CTEs counting unordered funnels' attempts, ending in `unordered_attempts` (the columns of
    `ordered_attempts`; only step 1's time is recorded). Used by int_funnel_attempts, whose
    description states the rules. Same inputs as ordered_funnel_attempts.

    Each step-matching event starts an attempt. One sorted pass finds what its window holds: a
    probe row at each window's end, sorted after the events at the same time, carries the
    attempt's start; the running maxima over the events before it give the last event in the
    window and the running count of each step's goal events there (counts only grow with the
    ordinal). A step is completed when its goal's events from the attempt's start to that last
    event reach the step's `goal_occurrence`. No join back to the stream.
-#}
{% macro unordered_funnel_attempts(funnel_stream, funnel_config) -%}
{#- Steps counted: those of the configured funnels (configured_funnel_shape). -#}
{%- set steps = range(1, micro_conversions.configured_funnel_shape().steps + 1) %}
unordered_starts as (

    select
        funnel_stream.funnel_id,
        funnel_stream.actor_id,
        funnel_stream.session_id,
        funnel_stream.ordinal,
        funnel_stream.event_at,
        {{ dbt.dateadd('second', 'funnel_config.window_seconds', 'funnel_stream.event_at') }} as window_ends_at,
        -- Attempts are numbered by their start; exclusion goal events in the stream start none.
        row_number() over (
            partition by funnel_stream.funnel_id, funnel_stream.actor_id order by funnel_stream.ordinal
        ) as attempt_number
        {%- for k in steps %},
            funnel_stream.events_through_step_{{ k }},
            -- the step's goal events before this one
            funnel_stream.events_through_step_{{ k }} - funnel_stream.matches_step_{{ k }}
                as events_before_step_{{ k }}
        {%- endfor %}
    from {{ funnel_stream }} as funnel_stream
    inner join {{ funnel_config }} as funnel_config
        on funnel_stream.funnel_id = funnel_config.funnel_id
    where funnel_config.ordering = 'unordered'
        and funnel_stream.first_step is not null

),

-- The events (is_probe = 0) and one probe per attempt at its window's end (is_probe = 1).
window_probes as (

    select
        funnel_id,
        actor_id,
        event_at as sort_at,
        0 as is_probe,
        ordinal,
        cast(null as {{ dbt.type_string() }}) as entry_session_id,
        cast(null as {{ dbt.type_bigint() }}) as start_ordinal,
        cast(null as {{ dbt.type_timestamp() }}) as step_1_at,
        cast(null as {{ dbt.type_bigint() }}) as attempt_number
        {%- for k in steps %},
            events_through_step_{{ k }},
            cast(null as {{ dbt.type_bigint() }}) as events_before_step_{{ k }}
        {%- endfor %}
    from unordered_starts

    union all

    select
        funnel_id,
        actor_id,
        window_ends_at as sort_at,
        1 as is_probe,
        cast(null as {{ dbt.type_bigint() }}) as ordinal,
        session_id as entry_session_id,
        ordinal as start_ordinal,
        event_at as step_1_at,
        attempt_number
        {%- for k in steps %},
            cast(null as {{ dbt.type_bigint() }}) as events_through_step_{{ k }},
            events_before_step_{{ k }}
        {%- endfor %}
    from unordered_starts

),

window_ends as (

    select *
    from (
        select
            *,
            -- the last event at or before the window's end, and the step counts there
            max(ordinal) over (
                partition by funnel_id, actor_id
                order by sort_at, is_probe
                rows between unbounded preceding and current row
            ) as last_ordinal_in_window
            {%- for k in steps %},
                max(events_through_step_{{ k }}) over (
                    partition by funnel_id, actor_id
                    order by sort_at, is_probe
                    rows between unbounded preceding and current row
                ) as step_{{ k }}_events_to_window_end
            {%- endfor %}
        from window_probes
    ) as probed
    where is_probe = 1

),

unordered_attempts as (

    select
        window_ends.funnel_id,
        window_ends.actor_id,
        window_ends.entry_session_id,
        window_ends.start_ordinal,
        window_ends.step_1_at
        {%- for k in range(2, micro_conversions.max_funnel_steps() + 1) %},
            cast(null as {{ dbt.type_timestamp() }}) as step_{{ k }}_at
        {%- endfor %},
        -- an event fills one step at most: no more steps than events in the window
        least(
            window_ends.last_ordinal_in_window - window_ends.start_ordinal + 1,
        {%- for k in steps %}
            case
                when funnel_config.step_count >= {{ k }}
                    and window_ends.step_{{ k }}_events_to_window_end - window_ends.events_before_step_{{ k }}
                    >= funnel_steps_{{ k }}.goal_occurrence
                    then 1
                else 0
            end{{ ' +' if not loop.last else '' }}
        {%- endfor %}
        ) as furthest_step,
        false as is_excluded,
        window_ends.attempt_number
    from window_ends
    inner join {{ funnel_config }} as funnel_config
        on window_ends.funnel_id = funnel_config.funnel_id
    {%- for k in steps %}
    left join {{ ref('stg_funnel_steps') }} as funnel_steps_{{ k }}
        on window_ends.funnel_id = funnel_steps_{{ k }}.funnel_id
            and funnel_steps_{{ k }}.step_number = {{ k }}
    {%- endfor %}

)
{%- endmacro %}
