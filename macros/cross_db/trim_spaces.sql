{#-
    `expression` (text) without its leading and trailing spaces, as trim() returns it. On DuckDB
    trim() reads every character of every value, several times the cost of the scan at the size
    of a raw event table, so only values that start or end with a space are trimmed.
-#}
{% macro trim_spaces(expression) -%}
    {{ return(adapter.dispatch('trim_spaces', 'micro_conversions')(expression)) }}
{%- endmacro %}

{% macro default__trim_spaces(expression) -%}
    trim({{ expression }})
{%- endmacro %}

{% macro duckdb__trim_spaces(expression) -%}
    case when {{ expression }} like ' %' or {{ expression }} like '% ' then trim({{ expression }}) else {{ expression }} end
{%- endmacro %}
