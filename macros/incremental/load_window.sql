{#-
    The staging models (`stg_events_checked`, `stg_events`) run incrementally by load time rather
    than by unit: each run deletes and writes again only the rows loaded at or after its own
    latest `loaded_at` minus a lookback (var `micro_conversions__staging_lookback_hours`), and
    the rows without a `loaded_at`; every earlier row stays as it is. Raw rows must be loaded with
    a non-decreasing `loaded_at`: a row that lands later with a `loaded_at` older than the window
    is missed until a full refresh, and `assert_raw_rows_reconcile` fails on the next build,
    naming the gap. docs/incremental_state.md.
-#}

{#-
    How the staging model being built treats its rows on this run: not incremental (first build,
    --full-refresh, Spark, unit tests: every row), rebuilt in full (an input changed:
    `reasons`), or incremental from `since` (a timestamp literal).
-#}
{% macro staging_window() -%}
    {%- if not execute or not micro_conversions.is_incremental_run() -%}
        {{ return({'incremental': false, 'rebuild_in_full': false, 'reasons': [], 'since': none}) }}
    {%- endif -%}
    {%- set reasons = micro_conversions.state_changes(this.name) -%}
    {%- set since = none -%}
    {%- if not reasons -%}
        {%- set lookback = micro_conversions.setting('micro_conversions__staging_lookback_hours') -%}
        {%- set since = run_query(
            'select cast(' ~ dbt.dateadd('hour', -1 * lookback, 'max(loaded_at)') ~ ' as ' ~ dbt.type_string() ~ ')'
            ~ ' from ' ~ this).columns[0].values()[0] -%}
        {%- if since is none -%}
            {%- do reasons.append('no loaded_at recorded') -%}
        {%- endif -%}
    {%- endif -%}
    {{ return({'incremental': true, 'rebuild_in_full': reasons | length > 0, 'reasons': reasons, 'since': since}) }}
{%- endmacro %}

{#- A predicate: the row with load time `column` is (re)staged on this run (loaded at or after
    the window's start, or without a load time). `column` is written once: it may be an
    expression that parses raw text, which would otherwise run twice per row. -#}
{% macro is_in_staging_window(column, window) -%}
    {%- if window.incremental and not window.rebuild_in_full -%}
        coalesce({{ column }} >= cast('{{ window.since }}' as {{ dbt.type_timestamp() }}), true)
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook: delete the rows this run stages again (every row when rebuilt in full). -#}
{% macro delete_restaged_rows() -%}
    {%- set window = micro_conversions.staging_window() -%}
    {%- if not window.incremental -%}
        {{ return('select 1') }}
    {%- elif window.rebuild_in_full -%}
        {%- do log(this.name ~ ': rebuilt in full: ' ~ window.reasons | join(', ')) -%}
        {{ return('delete from ' ~ this) }}
    {%- endif -%}
    {{ return('delete from ' ~ this ~ ' where ' ~ micro_conversions.is_in_staging_window('loaded_at', window)) }}
{%- endmacro %}

{#-
    The configuration of the staging models: delete-and-append by load time, with recorded state
    like every incremental model (macros/incremental/state.sql). Extra raw columns are passed
    through, so a raw column added or removed stops the next build with dbt's schema-change error
    until `dbt build --full-refresh` (no row is written or lost). Returns the window
    (`staging_window`) for the model's `is_in_staging_window` filters.
-#}
{% macro incremental_by_load_time() -%}
    {%- do micro_conversions.configure_delete_and_append('{{ micro_conversions.delete_restaged_rows() }}') -%}
    {{ return(micro_conversions.staging_window()) }}
{%- endmacro %}
