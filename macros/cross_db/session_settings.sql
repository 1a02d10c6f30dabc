{#-
    Settings for the connection a model runs on, as a pre-hook of every model (empty where none
    are needed). Postgres: JIT compilation of the wide staging queries can take longer than the
    queries, and the funnel models' chains of joins on correlated conditions get row estimates of
    1, which make nested loops quadratic (int_funnel_attempts: minutes -> 0.4 s on the demo
    without them); hash and merge joins are what these models need.
-#}
{% macro session_settings() -%}
    {{ return(adapter.dispatch('session_settings', 'micro_conversions')()) }}
{%- endmacro %}

{% macro default__session_settings() -%}
{%- endmacro %}

{% macro postgres__session_settings() -%}
    set jit = off;
    set enable_nestloop = off
{%- endmacro %}

{#-
    After a table is written: Postgres plans the next model's query from table statistics, and a
    freshly created table has none until autovacuum gets to it (a nested-loop plan over thousands
    of rows it believes to be a handful can take minutes), so it is analyzed at once.
-#}
{% macro refresh_statistics() -%}
    {{ return(adapter.dispatch('refresh_statistics', 'micro_conversions')()) }}
{%- endmacro %}

{% macro default__refresh_statistics() -%}
{%- endmacro %}

{% macro postgres__refresh_statistics() -%}
    {%- if config.get('materialized') in ('table', 'incremental', 'seed') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
