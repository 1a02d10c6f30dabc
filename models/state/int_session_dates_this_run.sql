{{ config(materialized='table') }}
{#-
    The session dates whose rows this run rebuilds in the daily goal reports
    (`rpt_goal_conversion_daily`, `rpt_goal_conversion_daily_by_channel_device`; grain:
    session_date). Built after `fct_sessions` and `int_goal_completions`, before the reports:
    - `sessions changed`: the dates, before and after, of every session of this run's visitors
      whose report fingerprint changed, appeared or disappeared: the fingerprints the last run
      left (`int_sessions_replaced_this_run`) against the rewritten sessions. A session of
      another visitor was not rewritten, so every other date holds the same sessions, with the
      same goals, as when the reports were last built;
    - `reports behind`: every date in `fct_sessions` and in both reports, when the reports may
      not have seen every earlier change: a report built before the last build of
      `fct_sessions` or `int_goal_completions` (a run that stopped or was selected part-way), as
      the plan found them at the start of this run, or a selection without the plan, the visitors
      of this run or the fingerprints before it (their lists could be stale).
    Empty when the reports are built from scratch (first build, --full-refresh, Spark).
-#}
{%- set units = micro_conversions.incremental_units()['session_date'] -%}
{%- set reports = [] -%}
{%- for name in units.models -%}
    {%- set report = micro_conversions.built_relation(name) -%}
    {%- if report is not none -%}
        {%- do reports.append(report) -%}
    {%- endif -%}
{%- endfor -%}
{%- set run_incrementally = reports | length == units.models | length
    and micro_conversions.event_models_run_incrementally() -%}
{%- set time_zone = micro_conversions.setting('micro_conversions__session_time_zone') -%}
{%- if not execute -%}
    {#- Parse time: built after the plan, which it reads. -#}
    {%- set _ = ref('int_incremental_plan') -%}
{%- endif -%}
{#- Whether the reports may have missed a change: asked of the plan (one small query). -#}
{%- set reports_behind = true -%}
{%- set plan = micro_conversions.plan_built_this_run() -%}
{%- if run_incrementally and plan is not none
    and 'model.micro_conversions.int_visitors_this_run' in selected_resources
    and 'model.micro_conversions.int_sessions_replaced_this_run' in selected_resources -%}
    {%- set behind_query -%}
        select count(*)
        from (select distinct model_name, last_built_at from {{ plan }}) as reports
        cross join (select distinct model_name, last_built_at from {{ plan }}) as facts
        where reports.model_name in ('{{ units.models | join("', '") }}')
            and facts.model_name in ('fct_sessions', 'int_goal_completions')
            and (reports.last_built_at is null or facts.last_built_at is null
                or reports.last_built_at < facts.last_built_at)
    {%- endset -%}
    {%- set reports_behind = run_query(behind_query).columns[0].values()[0] > 0 -%}
{%- endif %}

with

replaced as (

    select * from {{ ref('int_sessions_replaced_this_run') }}

),

rewritten as (

    {{ micro_conversions.session_report_fingerprints(
        ref('fct_sessions'), ref('fct_goal_completions'), ref('int_visitors_this_run')) }}

),

changed_sessions as (

    select
        replaced.session_date as date_before,
        rewritten.session_date as date_after
    from replaced
    full outer join rewritten
        on replaced.session_id = rewritten.session_id
    where replaced.session_id is null
        or rewritten.session_id is null
        or replaced.fingerprint != rewritten.fingerprint

),

changed_dates as (

    select date_before as session_date
    from changed_sessions
    where date_before is not null
    union
    select date_after as session_date
    from changed_sessions
    where date_after is not null

),

-- Read only when the reports are behind.
every_date as (

    {%- if reports_behind and run_incrementally %}
        select cast({{ micro_conversions.to_local_timestamp('session_start_at', time_zone) }} as date) as session_date
        from {{ ref('fct_sessions') }}
        union
        select session_date from {{ reports[0] }}
        union
        select session_date from {{ reports[1] }}
    {%- else %}
        select cast(null as date) as session_date
        where 1 = 0
    {%- endif %}

),

this_run as (

    select
        session_date,
        'sessions changed' as reason
    from changed_dates
    where {{ 'false' if reports_behind else 'true' }}
    union all
    select
        session_date,
        'reports behind' as reason
    from every_date

)

select * from this_run
-- A first build or a full refresh lists nothing: every report selects everything.
where {{ 'true' if run_incrementally else 'false' }}
