{%- set unit = micro_conversions.incremental_by('actor_id') %}
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

    Exclusions follow the doc block `funnel_exclusion_rule` (models/docs.md). `window_ends_at`:
    when the attempt's window closes (fct_funnel_actors compares it with the data's last event).
-#}
{%- set steps = range(1, micro_conversions.max_funnel_steps() + 1) -%}
{%- set exclusions = range(1, micro_conversions.max_funnel_exclusions() + 1) -%}

{#- A full build reads the stream as a subquery, not a CTE: each step's join reads only the
    columns it needs (a CTE read several times is materialized with every column first). An
    incremental run reads the few rows of its actors once, into a materialized CTE, instead of
    probing the whole stream for them in every step's join. -#}
{%- set reads_affected_rows_once = unit.incremental and not unit.rebuild_in_full -%}
{%- set affected_rows -%}
    select * from {{ ref('int_funnel_events_ordered') }}
    where {{ micro_conversions.is_affected('actor_id', unit) }}
{%- endset -%}
{%- set funnel_stream = 'affected_stream' if reads_affected_rows_once else '(' ~ affected_rows ~ ')' %}

-- Columns repeat per step in Jinja loops, which the indentation rule cannot follow.
-- noqa: disable=LT02
with
{%- if reads_affected_rows_once %}

affected_stream as {{ micro_conversions.cte_materialization(true) }} (

    {{ affected_rows }}

),
{%- endif %}

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

-- Ordered and strict funnels: CTEs step_1 ... ordered_attempts (macros/funnels/ordered_attempts.sql).
{{ micro_conversions.ordered_funnel_attempts(funnel_stream, 'funnel_config') }},

-- Unordered funnels: CTEs unordered_starts ... unordered_attempts (macros/funnels/unordered_attempts.sql).
{{ micro_conversions.unordered_funnel_attempts(funnel_stream, 'funnel_config') }},

attempts as (

    select * from ordered_attempts
    union all
    select * from unordered_attempts

),

final as (

    select
        attempts.funnel_id,
        attempts.actor_id,
        cast(attempts.attempt_number as {{ dbt.type_int() }}) as attempt_number,
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
