{#-
    The keyword that says whether a common table expression read by several parts of a query is
    computed once and held (`materialize`: for few rows read often) or inlined into each reader
    (for many rows: every reader gets its own filters and column pruning, and no copy of every
    row is held). DuckDB and PostgreSQL decide by themselves when no keyword is given, and hold
    a CTE that is read more than once; Spark always inlines and has no keyword.
-#}
{% macro cte_materialization(materialize) -%}
    {{ return(adapter.dispatch('cte_materialization', 'micro_conversions')(materialize)) }}
{%- endmacro %}

{% macro default__cte_materialization(materialize) -%}
{%- endmacro %}

{% macro duckdb__cte_materialization(materialize) -%}
    {{ 'materialized' if materialize else 'not materialized' }}
{%- endmacro %}

{% macro postgres__cte_materialization(materialize) -%}
    {{ micro_conversions.duckdb__cte_materialization(materialize) }}
{%- endmacro %}
