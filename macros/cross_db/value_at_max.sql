{#-
    An aggregate: the `value` of the group's row with the largest `order_by` (whose values must be
    distinct within a group, so that the row is one).
-#}
{% macro value_at_max(value, order_by) -%}
    {{ return(adapter.dispatch('value_at_max', 'micro_conversions')(value, order_by)) }}
{%- endmacro %}

{% macro default__value_at_max(value, order_by) -%}
    (array_agg({{ value }} order by {{ order_by }} desc))[1]
{%- endmacro %}

{% macro duckdb__value_at_max(value, order_by) -%}
    arg_max({{ value }}, {{ order_by }})
{%- endmacro %}

{% macro spark__value_at_max(value, order_by) -%}
    max_by({{ value }}, {{ order_by }})
{%- endmacro %}
