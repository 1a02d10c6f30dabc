{{ micro_conversions.incremental_by('actor_id', 'attempt_actors_changed', 'all_attempt_actors') }}
{#- Incremental by funnel actor (see macros/incremental). -#}
{#-
    One row per funnel x actor x attempt (grain: funnel_id, actor_id, attempt_number).

    Ordered and strict funnels: every event matching step 1 starts an attempt. Step k is the
    first event after step k-1's event (in the actor's ordinal order) that matches step k; for a
    strict funnel it must be the very next event of the actor. It counts only within the window:
    at most `window_seconds` after step 1's event, inclusive. An event fills one step at most.

    Unordered funnels: every event matching any step starts an attempt; the steps completed are
    the steps whose goal occurs, from that event on, within the window (a goal used by two steps
    needs two events); step k is reached when at least k steps are completed. Only step 1's time
    is recorded for them.

    An attempt is excluded when, for one of its funnel's exclusion rules, an event of the
    excluded goal comes after the attempt's step `after_step` and before its step `before_step`
    (or, when that step was not reached, within the window). `window_ends_at`: when the
    attempt's window closes (fct_funnel_actors compares it with the data's last event).
-#}
{%- set steps = range(1, micro_conversions.max_funnel_steps() + 1) -%}
{%- set exclusions = range(1, micro_conversions.max_funnel_exclusions() + 1) -%}

-- Columns repeat per step in Jinja loops, which the indentation rule cannot follow.
-- noqa: disable=LT02
with

funnel_stream as (

    select * from {{ ref('int_funnel_events_ordered') }}
    where {{ micro_conversions.is_affected('actor_id', 'actor_id') }}

),

funnels as (

    select * from {{ ref('stg_funnels') }}

),

exclusion_rules as (

    select
        funnel_id
        {%- for j in exclusions %},
            max(case when exclusion_number = {{ j }} then after_step end) as exclusion_{{ j }}_after_step,
            max(case when exclusion_number = {{ j }} then before_step end) as exclusion_{{ j }}_before_step
        {%- endfor %}
    from {{ ref('stg_funnel_exclusions') }}
    group by funnel_id

),

funnel_config as (

    select
        funnels.*
        {%- for j in exclusions %},
            exclusion_rules.exclusion_{{ j }}_after_step,
            exclusion_rules.exclusion_{{ j }}_before_step
        {%- endfor %}
    from funnels
    left join exclusion_rules
        on funnels.funnel_id = exclusion_rules.funnel_id

),

-- Ordered and strict funnels: follow each attempt one step at a time.
step_1 as (

    select
        funnel_stream.funnel_id,
        funnel_stream.actor_id,
        funnel_stream.session_id as entry_session_id,
        funnel_config.ordering,
        funnel_config.window_seconds,
        funnel_config.step_count,
        funnel_stream.ordinal as ordinal_1,
        funnel_stream.event_at as step_1_at
        {%- for k in steps if k > 1 %},
            funnel_stream.next_step_{{ k }} as pointer_{{ k }}
        {%- endfor %}
        {%- for j in exclusions %},
            funnel_config.exclusion_{{ j }}_after_step,
            case when funnel_config.exclusion_{{ j }}_after_step = 1 then funnel_stream.next_exclusion_{{ j }} end
                as exclusion_{{ j }}_ordinal,
            case when funnel_config.exclusion_{{ j }}_after_step = 1 then funnel_stream.next_exclusion_{{ j }}_at end
                as exclusion_{{ j }}_at
        {%- endfor %},
        -- The ordinal step 2 must have: the next event (strict) or the next step-2 event (ordered).
        case
            when funnel_config.step_count >= 2 and funnel_config.ordering = 'strict' then funnel_stream.ordinal + 1
            when funnel_config.step_count >= 2 then funnel_stream.next_step_2
        end as target_2
    from funnel_stream
    inner join funnel_config
        on funnel_stream.funnel_id = funnel_config.funnel_id
    where funnel_stream.matches_step_1 = 1
        and funnel_config.ordering in ('ordered', 'strict')

),

{%- for k in steps if k > 1 %}

-- Step {{ k }}: one equi-join on the ordinal the previous step points to. The window is checked
-- after the join, not in it: a range condition inside the join would turn it into a loop join.
step_{{ k }}_joined as (

    select
        previous.*,
        reached.ordinal as reached_ordinal,
        reached.event_at as reached_at,
        {{ micro_conversions.seconds_between('previous.step_1_at', 'reached.event_at') }}
        <= previous.window_seconds as is_in_window
        {%- for later in steps if later > k %},
            reached.next_step_{{ later }} as reached_next_step_{{ later }}
        {%- endfor %}
        {%- for j in exclusions %},
            reached.next_exclusion_{{ j }} as reached_next_exclusion_{{ j }},
            reached.next_exclusion_{{ j }}_at as reached_next_exclusion_{{ j }}_at
        {%- endfor %}
    from step_{{ k - 1 }}{{ '_carried' if k > 2 else '' }} as previous
    left join funnel_stream as reached
        on previous.funnel_id = reached.funnel_id
            and previous.actor_id = reached.actor_id
            and previous.target_{{ k }} = reached.ordinal
            and reached.matches_step_{{ k }} = 1

),

step_{{ k }} as (

    select
        *,
        case when is_in_window then reached_ordinal end as ordinal_{{ k }},
        case when is_in_window then reached_at end as step_{{ k }}_at
        {%- for later in steps if later > k %},
            case when is_in_window then reached_next_step_{{ later }} end as next_pointer_{{ later }}
        {%- endfor %}
        {%- for j in exclusions %},
            case
                when is_in_window and exclusion_{{ j }}_after_step = {{ k }} then reached_next_exclusion_{{ j }}
            end as exclusion_{{ j }}_ordinal_from_{{ k }},
            case
                when is_in_window and exclusion_{{ j }}_after_step = {{ k }} then reached_next_exclusion_{{ j }}_at
            end as exclusion_{{ j }}_at_from_{{ k }}
        {%- endfor %}
    from step_{{ k }}_joined

),

step_{{ k }}_carried as (

    select
        funnel_id,
        actor_id,
        entry_session_id,
        ordering,
        window_seconds,
        step_count
        {%- for reached_step in steps if reached_step <= k %},
            ordinal_{{ reached_step }},
            step_{{ reached_step }}_at
        {%- endfor %}
        {%- for later in steps if later > k %},
            -- null once a step is missed: no later step can be reached
            next_pointer_{{ later }} as pointer_{{ later }}
        {%- endfor %}
        {%- for j in exclusions %},
            exclusion_{{ j }}_after_step,
            coalesce(exclusion_{{ j }}_ordinal, exclusion_{{ j }}_ordinal_from_{{ k }}) as exclusion_{{ j }}_ordinal,
            coalesce(exclusion_{{ j }}_at, exclusion_{{ j }}_at_from_{{ k }}) as exclusion_{{ j }}_at
        {%- endfor %}
        {%- if k < micro_conversions.max_funnel_steps() %},
            case
                when ordinal_{{ k }} is null or step_count < {{ k + 1 }} then null
                when ordering = 'strict' then ordinal_{{ k }} + 1
                else next_pointer_{{ k + 1 }}
            end as target_{{ k + 1 }}
        {%- endif %}
    from step_{{ k }}

),

{%- endfor %}

ordered_attempts as (

    select
        attempts.funnel_id,
        attempts.actor_id,
        attempts.entry_session_id,
        attempts.ordinal_1 as start_ordinal
        {%- for k in steps %},
            attempts.step_{{ k }}_at
        {%- endfor %},
        {%- for k in steps %}
            case when attempts.ordinal_{{ k }} is not null then 1 else 0 end{{ ' +' if not loop.last else '' }}
        {%- endfor %} as furthest_step,
        coalesce(
        {%- for j in exclusions %}
            (
                attempts.exclusion_{{ j }}_ordinal is not null
                and case funnel_config.exclusion_{{ j }}_before_step
                    {%- for k in steps %}
                    when {{ k }} then coalesce(
                        attempts.exclusion_{{ j }}_ordinal < attempts.ordinal_{{ k }},
                        {{ micro_conversions.seconds_between('attempts.step_1_at', 'attempts.exclusion_' ~ j ~ '_at') }}
                        <= funnel_config.window_seconds
                    )
                    {%- endfor %}
                end
            ){{ ' or' if not loop.last else '' }}
        {%- endfor %}, false) as is_excluded
    from step_{{ micro_conversions.max_funnel_steps() }}_carried as attempts
    inner join funnel_config
        on attempts.funnel_id = funnel_config.funnel_id

),

-- Unordered funnels: for each attempt, where its window ends in the actor's events.
unordered_starts as (

    select
        funnel_stream.*,
        funnel_config.window_seconds,
        {{ dbt.dateadd('second', 'funnel_config.window_seconds', 'funnel_stream.event_at') }} as window_ends_at
    from funnel_stream
    inner join funnel_config
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
        {%- for k in steps if k > 1 %},
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
    inner join funnel_config
        on attempt_starts.funnel_id = funnel_config.funnel_id
    inner join window_ends
        on attempt_starts.funnel_id = window_ends.funnel_id
            and attempt_starts.actor_id = window_ends.actor_id
            and attempt_starts.ordinal = window_ends.start_ordinal
    inner join funnel_stream as window_end
        on window_ends.funnel_id = window_end.funnel_id
            and window_ends.actor_id = window_end.actor_id
            and window_ends.last_ordinal_in_window = window_end.ordinal
    {%- for k in steps %}
    left join {{ ref('stg_funnel_steps') }} as funnel_steps_{{ k }}
        on attempt_starts.funnel_id = funnel_steps_{{ k }}.funnel_id
            and funnel_steps_{{ k }}.step_number = {{ k }}
    {%- endfor %}

),

attempts as (

    select * from ordered_attempts
    union all
    select * from unordered_attempts

),

final as (

    select
        attempts.funnel_id,
        attempts.actor_id,
        cast(row_number() over (
            partition by attempts.funnel_id, attempts.actor_id order by attempts.start_ordinal
        ) as {{ dbt.type_int() }}) as attempt_number,
        attempts.entry_session_id,
        {%- for k in steps %}
            attempts.step_{{ k }}_at,
        {%- endfor %}
        cast(attempts.furthest_step as {{ dbt.type_int() }}) as furthest_step,
        attempts.is_excluded,
        {{ dbt.dateadd('second', 'funnel_config.window_seconds', 'attempts.step_1_at') }} as window_ends_at,
        {{ micro_conversions.processed_at() }} as processed_at
    from attempts
    inner join funnel_config
        on attempts.funnel_id = funnel_config.funnel_id

)

select * from final
