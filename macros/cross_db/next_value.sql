{#-
    Window expression: the value of `expression` in the nearest following row of the partition
    (in `order_by` order) where it is not null; null when there is none. Only for values that
    never decrease along `order_by` (an ordinal, or a timestamp the order sorts by first): the
    portable form takes the smallest value of the rows after the current one, which is then the
    same value.
-#}
{% macro next_value(expression, partition_by, order_by) -%}
    {{ return(adapter.dispatch('next_value', 'micro_conversions')(expression, partition_by, order_by)) }}
{%- endmacro %}

{% macro default__next_value(expression, partition_by, order_by) -%}
    min({{ expression }}) over (
        partition by {{ partition_by }} order by {{ order_by }} rows between 1 following and unbounded following
    )
{%- endmacro %}

{#- DuckDB finds the next non-null value without a frame aggregate over the rest of the partition. -#}
{% macro duckdb__next_value(expression, partition_by, order_by) -%}
    lead({{ expression }} ignore nulls) over (partition by {{ partition_by }} order by {{ order_by }})
{%- endmacro %}
