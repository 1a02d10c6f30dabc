{#-
    The CTEs following ordered and strict funnels' attempts, ending in `ordered_attempts` (one row
    per attempt: funnel_id, actor_id, entry_session_id, start_ordinal, step_1_at ... step_N_at,
    furthest_step, is_excluded, attempt_number). Used by int_funnel_attempts, whose description
    states the rules.

    `funnel_stream`: a relation or subquery of int_funnel_events_ordered rows (each event's ordinal and its
    pointers: `next_step_k`, the ordinal of the actor's next event matching step k, and
    `next_exclusion_j(_at)`); `funnel_config`: stg_funnels with the exclusion rules as columns.

    The pointer walk: step 1 is every step-1 event; each next step is one equi-join on the
    ordinal the previous step points to (the next event for strict funnels, the next step-k event
    for ordered ones), kept only inside the window. Each step carries the pointers of the event
    that reached it, so N steps cost N joins whatever the data, and a missed step ends the walk.
-#}
{% macro ordered_funnel_attempts(funnel_stream, funnel_config) -%}
{#- Only the steps and exclusion rules of the configured funnels are walked; the step columns
    beyond them are null. -#}
{%- set shape = micro_conversions.configured_funnel_shape() -%}
{%- set last = shape.steps -%}
{%- set steps = range(1, last + 1) -%}
{%- set exclusions = range(1, shape.exclusions + 1) %}
step_1 as (

    select
        funnel_stream.funnel_id,
        funnel_stream.actor_id,
        funnel_stream.session_id as entry_session_id,
        funnel_config.ordering,
        funnel_config.window_seconds,
        funnel_config.step_count,
        funnel_stream.ordinal as ordinal_1,
        -- Every step-1 event starts an attempt: the attempt's number is the count up to its start.
        funnel_stream.events_through_step_1 as attempt_number,
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
    from {{ funnel_stream }} as funnel_stream
    inner join {{ funnel_config }} as funnel_config
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
    left join {{ funnel_stream }} as reached
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
        attempt_number,
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
        {%- if k < last %},
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
        {%- for k in range(1, micro_conversions.max_funnel_steps() + 1) %},
            {{ 'attempts.step_' ~ k ~ '_at' if k <= last else 'cast(null as ' ~ dbt.type_timestamp() ~ ') as step_' ~ k ~ '_at' }}
        {%- endfor %},
        {%- for k in steps %}
            case when attempts.ordinal_{{ k }} is not null then 1 else 0 end{{ ' +' if not loop.last else '' }}
        {%- endfor %} as furthest_step,
        {%- if not exclusions %}
        false as is_excluded
        {%- else %}
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
        {%- endif %},
        attempts.attempt_number
    from {{ 'step_' ~ last ~ '_carried' if last > 1 else 'step_1' }} as attempts
    inner join {{ funnel_config }} as funnel_config
        on attempts.funnel_id = funnel_config.funnel_id

)
{%- endmacro %}
