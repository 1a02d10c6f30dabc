{#- Smallest integer not less than `expression`. -#}
{% macro ceiling(expression) -%}
    {{ return(adapter.dispatch('ceiling', 'micro_conversions')(expression)) }}
{%- endmacro %}

{% macro default__ceiling(expression) -%}
    cast(ceil({{ expression }}) as {{ dbt.type_int() }})
{%- endmacro %}
