{#- The group's `value`s joined by `delimiter` (a SQL string literal) in the order of `order_by` (an aggregate). -#}
{% macro ordered_string_agg(value, order_by, delimiter) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'micro_conversions')(value, order_by, delimiter)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(value, order_by, delimiter) -%}
    {{ dbt.listagg(value, delimiter, 'order by ' ~ order_by) }}
{%- endmacro %}

{#- Spark: collect (key, value) pairs, sort them by key, keep the values. -#}
{% macro spark__ordered_string_agg(value, order_by, delimiter) -%}
    array_join(
        transform(array_sort(collect_list(named_struct('k', {{ order_by }}, 'v', {{ value }}))), e -> e.v),
        {{ delimiter }}
    )
{%- endmacro %}
