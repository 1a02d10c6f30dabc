{{ config(materialized='table') }}
-- depends_on: {{ ref('int_visitors_this_run') }}
{#-
    The sessions of this run's visitors as the last run left them (grain: session_id): their
    report fingerprint (macros/incremental/session_report_fingerprints.sql), read from
    `fct_sessions` and `int_goal_completions` before this run rewrites them (both models run
    after this one). `int_session_dates_this_run` compares them with the rewritten sessions to
    find the dates whose daily goal report rows change. Empty when the event models are built
    from scratch (first build, --full-refresh, Spark).
-#}
{%- set sessions = micro_conversions.built_relation('fct_sessions') -%}
{%- set completions = micro_conversions.built_relation('int_goal_completions') -%}
{%- set run_incrementally = sessions is not none and completions is not none
    and micro_conversions.event_models_run_incrementally() %}

{%- if run_incrementally %}
    {{ micro_conversions.session_report_fingerprints(sessions, completions, ref('int_visitors_this_run')) }}
{%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as session_id,
        cast(null as date) as session_date,
        cast(null as {{ dbt.type_string() }}) as fingerprint
    where 1 = 0
{%- endif %}
