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
    - `left the stream`: actors with attempts but no events in the stream, and `left the
      attempts`: (funnel, actor) rows of fct_funnel_actors without attempts. Both are left by a
      run that stopped between two of the funnel models (after a merged session or a login
      removed an actor): its events are already held under their new actor, so the first two
      reasons cannot find the old one. Each anti-join reads two whole tables, so it runs only
      when the upstream model was written after the downstream one's last run
      (int_incremental_state), the only time it can find anything.
    Empty when the models are built from scratch (first build, --full-refresh, Spark).
-#}
{%- set units = micro_conversions.incremental_units()['actor_id'] -%}
{%- set stream = micro_conversions.built_relation(units.models[0]) -%}
{%- set attempts = micro_conversions.built_relation(units.models[1]) -%}
{%- set funnel_actors = micro_conversions.built_relation(units.models[2]) -%}
{%- set run_incrementally = stream is not none and micro_conversions.event_models_run_incrementally() -%}
{%- set written = micro_conversions.last_written(units.models) if run_incrementally else {} -%}
{%- set attempts_may_lag = run_incrementally and attempts is not none
    and micro_conversions.written_after(written, units.models[0], units.models[1]) -%}
{%- set funnel_actors_may_lag = run_incrementally and attempts is not none and funnel_actors is not none
    and micro_conversions.written_after(written, units.models[1], units.models[2]) %}

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
    {%- if attempts_may_lag %}
    union all
    select
        attempts.actor_id,
        'left the stream' as reason
    from {{ attempts }} as attempts
    left join (select distinct actor_id from stream_before) as streamed_actors
        on attempts.actor_id = streamed_actors.actor_id
    where streamed_actors.actor_id is null
    {%- endif %}
    {%- if funnel_actors_may_lag %}
    union all
    select
        funnel_actors.actor_id,
        'left the attempts' as reason
    from {{ funnel_actors }} as funnel_actors
    left join (select distinct funnel_id, actor_id from {{ attempts }}) as attempted
        on funnel_actors.funnel_id = attempted.funnel_id and funnel_actors.actor_id = attempted.actor_id
    where attempted.actor_id is null
    {%- endif %}

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
