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

{#-
    The type of a running `sum()` of integer flags: a column left constant where another engine
    or configuration computes it keeps the type the computed column has (incremental tables fail
    on a changed column type).
-#}
{% macro type_window_sum() -%}
    {{ return(adapter.dispatch('type_window_sum', 'micro_conversions')()) }}
{%- endmacro %}

{% macro default__type_window_sum() -%}
    {{ dbt.type_bigint() }}
{%- endmacro %}

{% macro duckdb__type_window_sum() -%}
    hugeint
{%- endmacro %}
