{{ config(materialized='table') }}
-- depends_on: {{ ref('int_incremental_state') }}
{#-
    The funnel actors whose rows this run rebuilds in `int_funnel_events_ordered` and
    `int_funnel_attempts` (grain: actor_id). Built after `int_events_sessionized`, before them:
    - `events rewritten`: the session and the person (user, else visitor) of every sessionized
      event written after the last run of both funnel models (this run's visitors, and any a run
      that stopped part-way left behind);
    - `actor before`: the actor the funnel stream held each of those events under (a merged
      session's old id, a visitor's id before a login was stitched onto it), so its old rows go;
    - `left the stream`: actors with attempts but no events in the stream (left by a run that
      stopped part-way).
    Empty when the models are built from scratch (first build, --full-refresh, Spark).
-#}
{%- set units = micro_conversions.incremental_units()['actor_id'] -%}
{%- set stream = micro_conversions.built_relation(units.models[0]) -%}
{%- set attempts = micro_conversions.built_relation(units.models[1]) -%}
{%- set run_incrementally = stream is not none and micro_conversions.event_models_run_incrementally() %}

with

sessionized as (

    select * from {{ ref('int_events_sessionized') }}

),

rewritten as (

    select
        event_id,
        session_id,
        coalesce(user_id, visitor_id) as person_id
    from sessionized
    where processed_at > {{ micro_conversions.last_run_of_all(units.models) }}

),

stream_before as (

    {%- if run_incrementally %}
        select * from {{ stream }}
    {%- else %}
        {#- Not built yet, or rebuilt from scratch: no stream. #}
        select
            cast(null as {{ dbt.type_string() }}) as event_id,
            cast(null as {{ dbt.type_string() }}) as actor_id
        where 1 = 0
    {%- endif %}

),

attempts as (

    {%- if run_incrementally and attempts is not none %}
        select * from {{ attempts }}
    {%- else %}
        select cast(null as {{ dbt.type_string() }}) as actor_id
        where 1 = 0
    {%- endif %}

),

streamed_actors as (

    select distinct actor_id from stream_before

),

actors as (

    select
        session_id as actor_id,
        'events rewritten' as reason
    from rewritten
    union all
    select
        person_id as actor_id,
        'events rewritten' as reason
    from rewritten
    union all
    select
        stream_before.actor_id,
        'actor before' as reason
    from stream_before
    inner join rewritten
        on stream_before.event_id = rewritten.event_id
    union all
    select
        attempts.actor_id,
        'left the stream' as reason
    from attempts
    left join streamed_actors
        on attempts.actor_id = streamed_actors.actor_id
    where streamed_actors.actor_id is null

),

this_run as (

    select
        actor_id,
        min(reason) as reason
    from actors
    group by actor_id

)

select * from this_run
-- A first build or a full refresh lists nothing: every model selects everything.
where {{ 'true' if run_incrementally else 'false' }}
