{{ config(materialized='table') }}
-- depends_on: {{ ref('int_incremental_state') }}
{#-
    The visitors whose rows this run rebuilds in the visitor-keyed incremental models
    (`int_events_sessionized`, `int_sessions_aggregated`, `int_goal_completions`, `fct_sessions`;
    grain: visitor_id). Built before them, from the tables as the last run left them:
    - `new events`: visitors with staged (non-bot) events not yet sessionized, loaded at or after
      the latest `loaded_at` already sessionized minus the staging lookback
      (`micro_conversions__staging_lookback_hours`), or without a loaded_at. `loaded_at` is the
      watermark: rows must be loaded with a non-decreasing loaded_at, give or take the lookback
      (an older row is picked up by a full refresh only);
    - `catching up`: visitors whose sessionized events were rewritten after the last run of one of
      the downstream models (a run that stopped part-way).
    Empty when the models are built from scratch (first build, --full-refresh, Spark). A model
    rebuilt in full (int_incremental_plan) selects every visitor instead.
-#}
{%- set units = micro_conversions.incremental_units()['visitor_id'] -%}
{%- set sessionized = micro_conversions.built_relation(units.models[0]) -%}
{%- set run_incrementally = sessionized is not none and micro_conversions.event_models_run_incrementally() -%}
{%- set exclude_bots = micro_conversions.setting('micro_conversions__exclude_bot_events') -%}
{%- set lookback = micro_conversions.setting('micro_conversions__staging_lookback_hours') %}

with

staged as (

    select * from {{ ref('stg_events') }}

),

sessionized as (

    {%- if run_incrementally %}
        select * from {{ sessionized }}
    {%- else %}
        {#- Not built yet, or rebuilt from scratch: nothing is sessionized. #}
        select
            cast(null as {{ dbt.type_string() }}) as visitor_id,
            cast(null as {{ dbt.type_string() }}) as event_id,
            cast(null as {{ dbt.type_timestamp() }}) as loaded_at,
            cast(null as {{ dbt.type_timestamp() }}) as processed_at
        where 1 = 0
    {%- endif %}

),

new_events as (

    select distinct staged.visitor_id
    from staged
    where
        (
            staged.loaded_at is null
            or staged.loaded_at >= (
                select
                    coalesce(
                        {{ dbt.dateadd('hour', -1 * lookback, 'max(sessionized.loaded_at)') }},
                        cast('1900-01-01' as timestamp)
                    )
                from sessionized
            )
        )
        {%- if exclude_bots %}
            and not staged.is_bot
        {%- endif %}
        and not exists (
            select 1 from sessionized
            where sessionized.event_id = staged.event_id
        )

),

catching_up as (

    select distinct sessionized.visitor_id
    from sessionized
    where sessionized.processed_at > {{ micro_conversions.last_run_of_all(units.models[1:]) }}

),

this_run as (

    select
        visitor_id,
        'new events' as reason
    from new_events
    union all
    select
        catching_up.visitor_id,
        'catching up' as reason
    from catching_up
    left join new_events
        on catching_up.visitor_id = new_events.visitor_id
    where new_events.visitor_id is null

)

select * from this_run
-- A first build or a full refresh lists nothing: every model selects everything.
where {{ 'true' if run_incrementally else 'false' }}
