{#- True when `pattern` matches anywhere in `expression`. `pattern` is SQL (a quoted literal or a column). -#}
{% macro regexp_matches(expression, pattern, case_insensitive=false) -%}
    {{ return(adapter.dispatch('regexp_matches', 'micro_conversions')(expression, pattern, case_insensitive)) }}
{%- endmacro %}

{% macro default__regexp_matches(expression, pattern, case_insensitive) -%}
    ({{ expression }} {{ '~*' if case_insensitive else '~' }} {{ pattern }})
{%- endmacro %}

{% macro duckdb__regexp_matches(expression, pattern, case_insensitive) -%}
    regexp_matches({{ expression }}, {{ pattern }}{{ ", 'i'" if case_insensitive else '' }})
{%- endmacro %}

{% macro spark__regexp_matches(expression, pattern, case_insensitive) -%}
    {%- if case_insensitive -%}
        ({{ expression }} rlike concat('(?i)', {{ pattern }}))
    {%- else -%}
        ({{ expression }} rlike {{ pattern }})
    {%- endif -%}
{%- endmacro %}
