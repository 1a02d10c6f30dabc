{#-
    Goal conversion report at the grain `dimensions` (columns of fct_sessions, or `session_date`:
    the session's start date in `micro_conversions__session_time_zone`) x goal. A session
    belongs to the cell of its start; every goal gets a row in every cell that has sessions, so
    a goal nobody reached reads 0, not missing. Rates: session, intent-adjusted (only sessions
    whose intent counts toward the conversion rate) and visitor (distinct visitors in the cell).

    `unit`: the model's incremental unit by session date (`incremental_by('session_date')`): an
    incremental run reads only the sessions of the dates its pre-hook deleted
    (int_session_dates_this_run) and writes those dates again, every cell of a date counted
    from all of that date's sessions.
-#}
{% macro goal_conversion_report(dimensions, unit) -%}
with

sessions as {{ micro_conversions.cte_materialization(false) }} (

    select * from ({{ micro_conversions.goal_report_sessions(ref('fct_sessions')) }}) as dated_sessions
    where {{ micro_conversions.is_affected('session_date', unit) }}

),

goals as (

    select * from {{ ref('dim_goals') }}

),

completions as (

    select * from {{ ref('fct_goal_completions') }}

),

cells as (

    select
        {%- for column in dimensions %}
        {{ column }},
        {%- endfor %}
        count(*) as sessions,
        count(distinct visitor_id) as visitors,
        sum(case when counts_toward_conversion_rate then 1 else 0 end) as intent_eligible_sessions
    from sessions
    group by {{ dimensions | join(', ') }}

),

goal_cells as (

    select
        {%- for column in dimensions %}
        sessions.{{ column }},
        {%- endfor %}
        completions.goal_id,
        count(*) as converting_sessions,
        count(distinct sessions.visitor_id) as converting_visitors,
        sum(case when sessions.counts_toward_conversion_rate then 1 else 0 end) as converting_intent_eligible_sessions,
        sum(completions.completions) as completions,
        sum(completions.goal_value) as goal_value
    from completions
    inner join sessions
        on completions.session_id = sessions.session_id
    group by
        {%- for column in dimensions %}
        sessions.{{ column }},
        {%- endfor %}
        completions.goal_id

),

counted as (

    select
        {%- for column in dimensions %}
        cells.{{ column }},
        {%- endfor %}
        goals.goal_id,
        goals.goal_kind,
        goals.is_experimental,
        cast(cells.sessions as {{ dbt.type_bigint() }}) as sessions,
        cast(coalesce(goal_cells.converting_sessions, 0) as {{ dbt.type_bigint() }}) as converting_sessions,
        cast(coalesce(goal_cells.completions, 0) as {{ dbt.type_bigint() }}) as completions,
        cast(coalesce(goal_cells.goal_value, 0) as {{ micro_conversions.type_money() }}) as goal_value,
        cast(cells.intent_eligible_sessions as {{ dbt.type_bigint() }}) as intent_eligible_sessions,
        cast(coalesce(goal_cells.converting_intent_eligible_sessions, 0) as {{ dbt.type_bigint() }})
            as converting_intent_eligible_sessions,
        cast(cells.visitors as {{ dbt.type_bigint() }}) as visitors,
        cast(coalesce(goal_cells.converting_visitors, 0) as {{ dbt.type_bigint() }}) as converting_visitors
    from cells
    cross join goals
    left join goal_cells
        on goals.goal_id = goal_cells.goal_id
        {%- for column in dimensions %}
        and cells.{{ column }} = goal_cells.{{ column }}
        {%- endfor %}

),

final as (

    select
        {%- for column in dimensions %}
        {{ column }},
        {%- endfor %}
        goal_id,
        goal_kind,
        is_experimental,
        sessions,
        converting_sessions,
        {{ micro_conversions.rate_columns('conversion_rate', 'converting_sessions', 'sessions') }},
        completions,
        goal_value,
        intent_eligible_sessions,
        converting_intent_eligible_sessions,
        {{ micro_conversions.rate_columns(
            'intent_adjusted_conversion_rate', 'converting_intent_eligible_sessions', 'intent_eligible_sessions'
        ) }},
        visitors,
        converting_visitors,
        {{ micro_conversions.rate_columns('visitor_conversion_rate', 'converting_visitors', 'visitors') }}
    from counted

)

select * from final
{%- endmacro %}


{#-
    SQL: what the goal conversion reports read of each session of `sessions` (fct_sessions or its
    table): its id, `session_date` (the start's date in `micro_conversions__session_time_zone`)
    and the columns of `goal_report_session_columns()`. The daily reports' incremental runs
    fingerprint exactly these (macros/incremental/session_report_fingerprints.sql).
-#}
{% macro goal_report_sessions(sessions) -%}
{%- set time_zone = micro_conversions.setting('micro_conversions__session_time_zone') -%}
    select
        session_id,
        cast({{ micro_conversions.to_local_timestamp('session_start_at', time_zone) }} as date) as session_date,
        {{ micro_conversions.goal_report_session_columns() | join(', ') }}
    from {{ sessions }}
{%- endmacro %}

{#- The columns of fct_sessions the goal conversion reports read, besides its id and start. -#}
{% macro goal_report_session_columns() -%}
    {{ return(['visitor_id', 'channel', 'device_category', 'counts_toward_conversion_rate']) }}
{%- endmacro %}
