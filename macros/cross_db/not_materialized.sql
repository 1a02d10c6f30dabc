{#-
    The keyword that keeps a common table expression read by several parts of a query inlined
    into each of them, so that every reader gets its own filters and column pruning instead of
    one materialized copy of every row. DuckDB and PostgreSQL materialize such a CTE by default;
    Spark always inlines and has no keyword.
-#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'micro_conversions')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}

{% macro postgres__not_materialized() -%}
    not materialized
{%- endmacro %}
