{#- The continuous percentile `fraction` (0.5 = median) of `expression` in a group (an aggregate). -#}
{% macro percentile(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile', 'micro_conversions')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__percentile(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}

{#- Spark's percentile is exact and interpolates like percentile_cont. -#}
{% macro spark__percentile(expression, fraction) -%}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}
