{#- The text captured by group `group_number` of `pattern` in `expression`; null when there is no match. -#}
{% macro regexp_extract(expression, pattern, group_number=1) -%}
    {{ return(adapter.dispatch('regexp_extract', 'micro_conversions')(expression, pattern, group_number)) }}
{%- endmacro %}

{% macro default__regexp_extract(expression, pattern, group_number) -%}
    (regexp_match({{ expression }}, '{{ pattern }}'))[{{ group_number }}]
{%- endmacro %}

{% macro duckdb__regexp_extract(expression, pattern, group_number) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', {{ group_number }}), '')
{%- endmacro %}

{#- Spark returns '' when the pattern does not match. -#}
{% macro spark__regexp_extract(expression, pattern, group_number) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', {{ group_number }}), '')
{%- endmacro %}
