{#- A 64-bit float. dbt.type_float() is 32-bit on DuckDB, too coarse for rates. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'micro_conversions')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{#- Money: order values and goal values. -#}
{% macro type_money() -%}
    {{ return(adapter.dispatch('type_money', 'micro_conversions')()) }}
{%- endmacro %}

{% macro default__type_money() -%}
    decimal(18, 2)
{%- endmacro %}

{#- Digits before the decimal point that type_money() holds. -#}
{% macro money_integer_digits() -%}
    {{ return(16) }}
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
