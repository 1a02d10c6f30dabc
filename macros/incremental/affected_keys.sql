{#-
    Incremental models here rebuild whole units (a visitor's sessions, a funnel actor's attempts)
    instead of merging rows: a late event can merge, split or renumber sessions, so every row of
    the unit it touches is deleted and written again. Each incremental model has three pre-hooks
    (`refresh_affected_hooks`): store the keys of the affected units in a temporary table
    (computed from the state before anything changes), delete the target's rows with those keys,
    and the model then selects only the rows of those keys (`is_affected`), appended.
    `processed_at` on every row is the start of the run that wrote it: the next model downstream
    treats rows written after its own latest `processed_at` as changed.
-#}

{#- An incremental run of an existing model (never in unit tests, where `this` is undefined). -#}
{% macro is_incremental_run() -%}
    {{ return(this is not none and is_incremental()) }}
{%- endmacro %}

{#- The temporary table holding the affected keys of the model being built. -#}
{% macro affected_keys_table() -%}
    mc_affected_{{ this.identifier }}
{%- endmacro %}

{#-
    Pre-hooks: keep the affected keys, then delete their rows (on incremental runs only). When an
    input the model's rows were built from changed (macros/incremental/state.sql), every row is
    deleted and the keys are all keys (`all_keys_sql`): the model is rebuilt in full.
-#}
{% macro refresh_affected_hooks(key, keys_sql, all_keys_sql) -%}
    {%- if micro_conversions.is_incremental_run() -%}
        {%- set changes = micro_conversions.state_changes(this.name) -%}
        {%- set delete_sql = 'delete from ' ~ this -%}
        {%- if changes -%}
            {%- do log(this.name ~ ': rebuilt in full: ' ~ changes | join(', ')) -%}
            {%- set keys_sql = all_keys_sql -%}
        {%- else -%}
            {%- set delete_sql = delete_sql ~ ' where ' ~ key ~ ' in (select ' ~ key ~ ' from '
                ~ micro_conversions.affected_keys_table() ~ ')' -%}
        {%- endif -%}
        {%- set hooks = [
            'drop table if exists ' ~ micro_conversions.affected_keys_table(),
            'create temporary table ' ~ micro_conversions.affected_keys_table() ~ ' as ' ~ keys_sql,
            delete_sql
        ] -%}
        {{ return(hooks | join(';\n')) }}
    {%- else -%}
        {{ return('select 1') }}
    {%- endif -%}
{%- endmacro %}

{#- A predicate: `column` is one of the affected keys (always true on a full build). -#}
{% macro is_affected(column, key) -%}
    {%- if micro_conversions.is_incremental_run() -%}
        {{ column }} in (select {{ key }} from {{ micro_conversions.affected_keys_table() }})
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- The run's start, stamped on every row written. -#}
{% macro processed_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}

{#- Rows of `relation` written after the latest `processed_at` of the model being built. -#}
{% macro changed_since_this(relation) -%}
    (select * from {{ relation }}
    where processed_at > (
        select coalesce(max(done.processed_at), cast('1900-01-01' as timestamp)) from {{ this }} as done
    ))
{%- endmacro %}

{#-
    Visitors with events not yet sessionized: staged non-bot events loaded at or after the latest
    `loaded_at` already processed (or without a loaded_at), whose event_id is not in the target.
    `loaded_at` is the watermark: rows must be loaded with an increasing loaded_at (a row loaded
    later with an older loaded_at is picked up by a full refresh only).
-#}
{% macro visitors_with_new_events() -%}
    select distinct staged.visitor_id
    from {{ ref('stg_events') }} as staged
    where (
            staged.loaded_at is null
            or staged.loaded_at >= (
                select coalesce(max(done.loaded_at), cast('1900-01-01' as timestamp)) from {{ this }} as done
            )
        )
        {%- if micro_conversions.setting('micro_conversions__exclude_bot_events') %}
        and not staged.is_bot
        {%- endif %}
        and not exists (select 1 from {{ this }} as done where done.event_id = staged.event_id)
{%- endmacro %}

{#- Every visitor with a non-bot staged event (a full rebuild of the sessionized events). -#}
{% macro all_staged_visitors() -%}
    select distinct visitor_id from {{ ref('stg_events') }}
    {%- if micro_conversions.setting('micro_conversions__exclude_bot_events') %}
    where not is_bot
    {%- endif %}
{%- endmacro %}

{#- Every visitor of the sessionized events. -#}
{% macro all_visitors() -%}
    select distinct visitor_id from {{ ref('int_events_sessionized') }}
{%- endmacro %}

{#- Every funnel actor of the sessionized events: each session, and each person. -#}
{% macro all_funnel_actors() -%}
    select session_id as actor_id from {{ ref('int_events_sessionized') }}
    union
    select coalesce(user_id, visitor_id) from {{ ref('int_events_sessionized') }}
{%- endmacro %}

{#- Every actor of the funnel event stream. -#}
{% macro all_attempt_actors() -%}
    select distinct actor_id from {{ ref('int_funnel_events_ordered') }}
{%- endmacro %}

{#- Visitors whose events were (re)sessionized since this model's last run. -#}
{% macro visitors_changed() -%}
    select distinct visitor_id from {{ micro_conversions.changed_since_this(ref('int_events_sessionized')) }} as changed
{%- endmacro %}

{#-
    Funnel actors to rebuild: the session and the person (user, else visitor) of every
    re-sessionized event, and the actor the target held each of those events under before (a
    merged session's old id, a visitor's actor before a login was stitched onto it).
-#}
{% macro funnel_actors_changed() -%}
    select session_id as actor_id from {{ micro_conversions.changed_since_this(ref('int_events_sessionized')) }} as changed
    union
    select coalesce(user_id, visitor_id) from {{ micro_conversions.changed_since_this(ref('int_events_sessionized')) }} as changed
    union
    select done.actor_id
    from {{ this }} as done
    inner join {{ micro_conversions.changed_since_this(ref('int_events_sessionized')) }} as changed
        on done.event_id = changed.event_id
{%- endmacro %}

{#- Funnel actors whose event stream changed since this model's last run, or that left the stream. -#}
{% macro attempt_actors_changed() -%}
    select actor_id from {{ micro_conversions.changed_since_this(ref('int_funnel_events_ordered')) }} as changed
    union
    select done.actor_id
    from {{ this }} as done
    where not exists (
        select 1 from {{ ref('int_funnel_events_ordered') }} as stream_rows where stream_rows.actor_id = done.actor_id
    )
{%- endmacro %}

{#-
    How the event-heavy models are materialized: incremental (delete the affected units, append
    them again) where the engine can delete rows; Spark tables without Delta cannot, so there
    they are rebuilt in full on every run.
-#}
{% macro event_model_materialization() -%}
    {{ return(adapter.dispatch('event_model_materialization', 'micro_conversions')()) }}
{%- endmacro %}

{% macro default__event_model_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__event_model_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{#-
    The configuration of every incremental model, in one place: delete-and-append by unit `key`;
    `changed_keys` and `all_keys` name the macros giving the keys to rebuild on an incremental run
    and on a full rebuild. The model depends on the run's plan (models/state), which depends on the
    recorded state its post-hook updates.
-#}
{% macro incremental_by(key, changed_keys, all_keys) -%}
    {%- set hook_args = "'" ~ key ~ "', micro_conversions." ~ changed_keys ~ "(), micro_conversions." ~ all_keys ~ "()" -%}
    {{ config(
        materialized=micro_conversions.event_model_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook='{{ micro_conversions.refresh_affected_hooks(' ~ hook_args ~ ') }}',
        post_hook='{{ micro_conversions.record_state_hook() }}',
    ) }}
    {%- if not execute %}
    {#- Parse time: the plan and the state are built before this model. -#}
    {%- set _ = ref('int_incremental_plan') -%}
    {%- set _ = ref('int_incremental_state') -%}
    {%- endif -%}
{%- endmacro %}
