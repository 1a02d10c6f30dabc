{#- Exact seconds (with fractions) from `start_at` to `end_at`; not a count of clock boundaries. -#}
{% macro seconds_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('seconds_between', 'micro_conversions')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__seconds_between(start_at, end_at) -%}
    cast(extract(epoch from ({{ end_at }} - {{ start_at }})) as {{ micro_conversions.type_double() }})
{%- endmacro %}

{#- Spark: a timestamp cast to double is its epoch in seconds (with the fraction). -#}
{% macro spark__seconds_between(start_at, end_at) -%}
    (cast({{ end_at }} as double) - cast({{ start_at }} as double))
{%- endmacro %}
