{#-
    Incremental models here rebuild whole units (a visitor's sessions, a funnel actor's attempts)
    instead of merging rows: a late event can merge, split or renumber sessions, so every row of
    the unit it touches is deleted and written again.

    What a run rebuilds is a model of its own, one per kind of unit (models/state/):
    `int_visitors_this_run` for the visitor-keyed models, `int_funnel_actors_this_run` for the
    funnel models and `int_session_dates_this_run` for the daily goal reports (by session date).
    An incremental model's pre-hook deletes the rows of those units, and the model selects only
    their rows (`is_affected`), appended. When an input the model's rows were built
    from changed (macros/incremental/state.sql), or when its this-run model was not built by the
    same invocation (a selection without it: it could be stale), the model is rebuilt in full
    instead: every row deleted, every row selected. `processed_at` on every row is the start of
    the run that wrote it (the daily goal reports, keyed by date, have none).
-#}

{#-
    The units of the incremental models: the key column, the model listing this run's units, and
    the incremental models rebuilt by them (upstream first).
-#}
{% macro incremental_units() -%}
    {{ return({
        'visitor_id': {
            'this_run': 'int_visitors_this_run',
            'models': [
                'int_events_sessionized', 'int_sessions_aggregated', 'int_sessions_intent_classified',
                'int_goal_events_matched', 'int_goal_completions', 'fct_sessions',
                'int_visitor_goals_aggregated', 'dim_visitors',
            ],
        },
        'actor_id': {
            'this_run': 'int_funnel_actors_this_run',
            'models': ['int_funnel_events_ordered', 'int_funnel_attempts', 'fct_funnel_actors'],
        },
        'session_date': {
            'this_run': 'int_session_dates_this_run',
            'models': ['rpt_goal_conversion_daily', 'rpt_goal_conversion_daily_by_channel_device'],
        },
    }) }}
{%- endmacro %}

{#- An incremental run of an existing model (never in unit tests, where `this` is undefined). -#}
{% macro is_incremental_run() -%}
    {{ return(this is not none and is_incremental()) }}
{%- endmacro %}

{#-
    How the model being built treats its unit `key` on this run: `rebuild_in_full` (with the
    reasons), or incrementally from `this_run`, the relation listing the units to rebuild.
    Not an incremental run (first build, --full-refresh, Spark, unit tests): everything is
    selected and nothing deleted.
-#}
{% macro incremental_unit(key) -%}
    {%- set this_run_name = micro_conversions.incremental_units()[key]['this_run'] -%}
    {%- if not execute -%}
        {#- Parse time: the model depends on its this-run model. -#}
        {%- set _ = ref(this_run_name) -%}
    {%- endif -%}
    {%- if not execute or not micro_conversions.is_incremental_run() -%}
        {{ return({'key': key, 'incremental': false, 'rebuild_in_full': false, 'reasons': [], 'this_run': none}) }}
    {%- endif -%}
    {%- set this_run = ref(this_run_name) -%}
    {%- set reasons = micro_conversions.state_changes(this.name) -%}
    {%- if ('model.micro_conversions.' ~ this_run_name) not in selected_resources -%}
        {%- do reasons.append(this_run.identifier ~ ' not built by this invocation') -%}
    {%- endif -%}
    {{ return({'key': key, 'incremental': true, 'rebuild_in_full': reasons | length > 0, 'reasons': reasons,
               'this_run': this_run}) }}
{%- endmacro %}

{#-
    Pre-hook: delete the rows this run rebuilds (every row when the model is rebuilt in full):
    those of the units listed in the this-run model, and the rows for which `also` (a condition
    on the model's own columns, if given) holds.
-#}
{% macro delete_rebuilt_units(key, also=none) -%}
    {%- set unit = micro_conversions.incremental_unit(key) -%}
    {%- if not unit.incremental -%}
        {{ return('select 1') }}
    {%- elif unit.rebuild_in_full -%}
        {%- do log(this.name ~ ': rebuilt in full: ' ~ unit.reasons | join(', ')) -%}
        {{ return('delete from ' ~ this) }}
    {%- endif -%}
    {{ return('delete from ' ~ this ~ ' where ' ~ key ~ ' in (select ' ~ key ~ ' from ' ~ unit.this_run ~ ')'
        ~ (' or ' ~ also if also else '')) }}
{%- endmacro %}

{#- A predicate: `column` is one of the units this run rebuilds (always true when all are). -#}
{% macro is_affected(column, unit) -%}
    {%- if unit.incremental and not unit.rebuild_in_full -%}
        {{ column }} in (select {{ unit.key }} from {{ unit.this_run }})
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- The run's start, stamped on every row written. -#}
{% macro processed_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}

{#- True when the event models run incrementally on this invocation (not on Spark, not on --full-refresh). -#}
{% macro event_models_run_incrementally() -%}
    {{ return(micro_conversions.event_model_materialization() == 'incremental' and not flags.FULL_REFRESH) }}
{%- endmacro %}

{#- The relation of a model of this package as it stands in the warehouse, or none when not built. -#}
{% macro built_relation(name) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.micro_conversions.' ~ name) -%}
    {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}

{#-
    SQL: the latest run after which every one of `models` was built (the earliest of their
    recorded runs, from int_incremental_state): rows an upstream model wrote after it are new to
    at least one of them. Null when none has recorded state (each is then rebuilt in full).
-#}
{% macro last_run_of_all(models) -%}
    (select min(recorded_at) from {{ ref('int_incremental_state') }}
    where model_name in ('{{ models | join("', '") }}'))
{%- endmacro %}

{#-
    When each of `models` was last written: model name -> the run start recorded with its rows in
    int_incremental_state (missing when it has none). Asked of the database at execution.
-#}
{% macro last_written(models) -%}
    {%- set written = {} -%}
    {%- if execute and micro_conversions.built_relation('int_incremental_state') is not none -%}
        {%- for row in run_query(
            "select model_name, max(recorded_at) from " ~ ref('int_incremental_state')
            ~ " where model_name in ('" ~ models | join("', '") ~ "') group by model_name").rows -%}
            {%- do written.update({row[0]: row[1]}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(written) }}
{%- endmacro %}

{#-
    Whether `upstream` may hold rows written after `downstream` last ran (from `last_written`):
    true unless both have a recorded run and the downstream one is not older.
-#}
{% macro written_after(written, upstream, downstream) -%}
    {{ return(written.get(upstream) is none or written.get(downstream) is none
        or written[upstream] > written[downstream]) }}
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
    The configuration of every incremental model, in one place: delete-and-append by unit `key`
    (`visitor_id` or `actor_id`, see `incremental_units`). Returns the unit (`incremental_unit`)
    for the model's `is_affected` filters. `also_rebuild`: a condition on the model's own columns
    whose rows are deleted too (rows that depend on more than their unit's events, such as a
    funnel window still open at the last run's data cutoff). The model depends on its this-run
    model, on the run's plan and on the recorded state its post-hook updates.
-#}
{% macro incremental_by(key, also_rebuild=none) -%}
    {%- set arguments = "'" ~ key ~ "'" ~ (", '" ~ also_rebuild ~ "'" if also_rebuild else '') -%}
    {%- do micro_conversions.configure_delete_and_append(
        '{{ micro_conversions.delete_rebuilt_units(' ~ arguments ~ ') }}') -%}
    {{ return(micro_conversions.incremental_unit(key)) }}
{%- endmacro %}

{#-
    What every incremental model shares: delete (the `pre_hook` SQL) then append, a schema that
    must not change, the state post-hook, and the plan and the state built before it.
-#}
{% macro configure_delete_and_append(pre_hook) -%}
    {{ config(
        materialized=micro_conversions.event_model_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=pre_hook,
        post_hook='{{ micro_conversions.record_state_hook() }}',
    ) }}
    {%- if not execute %}
    {#- Parse time: the plan and the state are built before this model. -#}
    {%- set _ = ref('int_incremental_plan') -%}
    {%- set _ = ref('int_incremental_state') -%}
    {%- endif -%}
{%- endmacro %}
