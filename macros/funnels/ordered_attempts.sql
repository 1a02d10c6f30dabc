{#-
    The CTEs following ordered and strict funnels' attempts, ending in `ordered_attempts` (one row
    per attempt: funnel_id, actor_id, entry_session_id, start_ordinal, step_1_at ... step_N_at,
    furthest_step, is_excluded, attempt_number). Used by int_funnel_attempts, whose description
    states the rules.

    `funnel_stream`: a relation or subquery of int_funnel_events_ordered rows (each event's
    ordinal and running counts); `funnel_config`: stg_funnels with the exclusion rules as columns.

    The walk: step 1 is every step-1 event; step k is the next step-k event after step k-1's
    event, the step-k event whose running count is one more than the count at step k-1's event:
    one equi-join per step. It counts only inside the window and, for a strict funnel, only when
    it is the very next event (ordinal + 1). Each step carries the counts of the event that
    reached it, so N steps cost N joins whatever the data, and a missed step ends the walk.
    Exclusion rule j: the count of its events at step `after_step` and just before step
    `before_step`; when they differ an excluded event lies between. When `before_step` is not
    reached, the next exclusion event after `after_step` counts if it falls inside the window.
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
        -- Every step-1 event starts an attempt: the attempt's number is the count up to its start.
        funnel_stream.events_through_step_1 as attempt_number,
        funnel_config.ordering,
        funnel_config.window_seconds,
        funnel_config.step_count,
        funnel_stream.ordinal as ordinal_1,
        funnel_stream.event_at as step_1_at
        {%- for j in exclusions %},
            funnel_config.exclusion_{{ j }}_after_step,
            funnel_config.exclusion_{{ j }}_before_step,
            case when funnel_config.exclusion_{{ j }}_after_step = 1 then funnel_stream.exclusions_through_{{ j }} end
                as exclusion_{{ j }}_count_after,
            case when funnel_config.exclusion_{{ j }}_after_step = 1 then funnel_stream.next_exclusion_{{ j }}_at end
                as exclusion_{{ j }}_at,
            cast(null as {{ dbt.type_bigint() }}) as exclusion_{{ j }}_count_before
        {%- endfor %}
        {%- if last > 1 %},
        -- The count step 2's event must have: the next step-2 event after this one.
        case when funnel_config.step_count >= 2 then funnel_stream.events_through_step_2 + 1 end as target_2
        {%- endif %}
    from {{ funnel_stream }} as funnel_stream
    inner join {{ funnel_config }} as funnel_config
        on funnel_stream.funnel_id = funnel_config.funnel_id
    where funnel_stream.matches_step_1 = 1
        and funnel_config.ordering in ('ordered', 'strict')

),

{%- for k in steps if k > 1 %}

-- Step {{ k }}: one equi-join on the step-{{ k }} count the previous step points to. The window and
-- strictness are checked after the join, not in it: a range condition inside the join would turn
-- it into a loop join.
step_{{ k }}_joined as (

    select
        previous.*,
        reached.ordinal as reached_ordinal,
        reached.event_at as reached_at,
        {{ micro_conversions.seconds_between('previous.step_1_at', 'reached.event_at') }}
        <= previous.window_seconds
        and (previous.ordering != 'strict' or reached.ordinal = previous.ordinal_{{ k - 1 }} + 1) as is_reached
        {%- if k < last %},
        reached.events_through_step_{{ k + 1 }} as reached_events_through_step_{{ k + 1 }}
        {%- endif %}
        {%- for j in exclusions %},
            reached.exclusions_through_{{ j }} as reached_exclusions_through_{{ j }},
            reached.matches_exclusion_{{ j }} as reached_matches_exclusion_{{ j }},
            reached.next_exclusion_{{ j }}_at as reached_next_exclusion_{{ j }}_at
        {%- endfor %}
    from step_{{ k - 1 }}{{ '_carried' if k > 2 else '' }} as previous
    left join {{ funnel_stream }} as reached
        on previous.funnel_id = reached.funnel_id
            and previous.actor_id = reached.actor_id
            and previous.target_{{ k }} = reached.events_through_step_{{ k }}
            and reached.matches_step_{{ k }} = 1

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
        {%- for reached_step in steps if reached_step < k %},
            ordinal_{{ reached_step }},
            step_{{ reached_step }}_at
        {%- endfor %},
        case when is_reached then reached_ordinal end as ordinal_{{ k }},
        case when is_reached then reached_at end as step_{{ k }}_at
        {%- for j in exclusions %},
            exclusion_{{ j }}_after_step,
            exclusion_{{ j }}_before_step,
            case
                when is_reached and exclusion_{{ j }}_after_step = {{ k }} then reached_exclusions_through_{{ j }}
                else exclusion_{{ j }}_count_after
            end as exclusion_{{ j }}_count_after,
            case
                when is_reached and exclusion_{{ j }}_after_step = {{ k }} then reached_next_exclusion_{{ j }}_at
                else exclusion_{{ j }}_at
            end as exclusion_{{ j }}_at,
            -- the rule's events before this step's event
            case
                when is_reached and exclusion_{{ j }}_before_step = {{ k }}
                    then reached_exclusions_through_{{ j }} - reached_matches_exclusion_{{ j }}
                else exclusion_{{ j }}_count_before
            end as exclusion_{{ j }}_count_before
        {%- endfor %}
        {%- if k < last %},
            -- null once a step is missed: no later step can be reached
            case
                when is_reached and step_count >= {{ k + 1 }} then reached_events_through_step_{{ k + 1 }} + 1
            end as target_{{ k + 1 }}
        {%- endif %}
    from step_{{ k }}_joined

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
                attempts.exclusion_{{ j }}_count_after is not null
                and case
                    -- step before_step reached: an excluded event lies between when the count grew
                    when attempts.exclusion_{{ j }}_count_before is not null
                        then attempts.exclusion_{{ j }}_count_before > attempts.exclusion_{{ j }}_count_after
                    -- not reached: the next excluded event after step after_step, inside the window
                    else {{ micro_conversions.seconds_between('attempts.step_1_at', 'attempts.exclusion_' ~ j ~ '_at') }}
                        <= attempts.window_seconds
                end
            ){{ ' or' if not loop.last else '' }}
        {%- endfor %}, false) as is_excluded
        {%- endif %},
        attempts.attempt_number
    from {{ 'step_' ~ last ~ '_carried' if last > 1 else 'step_1' }} as attempts

)
{%- endmacro %}
