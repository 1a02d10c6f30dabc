{#-
    Whether window functions accept `ignore nulls` (`first_value(x ignore nulls)`, `last_value`,
    `lead`). Where they do, a model can take a value from another row in the sort it already
    makes for other window functions, instead of sorting again by a key of its own.
-#}
{% macro window_ignore_nulls() -%}
    {{ return(adapter.dispatch('window_ignore_nulls', 'micro_conversions')()) }}
{%- endmacro %}

{% macro default__window_ignore_nulls() -%}
    {{ return(false) }}
{%- endmacro %}

{% macro duckdb__window_ignore_nulls() -%}
    {{ return(true) }}
{%- endmacro %}

{#-
    Window expression: the first non-null value of `expression` in the whole partition, in
    `order_by` order (null when every value is null).
-#}
{% macro first_non_null_value(expression, partition_by, order_by) -%}
    {{ return(adapter.dispatch('first_non_null_value', 'micro_conversions')(expression, partition_by, order_by)) }}
{%- endmacro %}

{#- Portable: nulls sorted last, so the first row holds the first non-null value (its own sort). -#}
{% macro default__first_non_null_value(expression, partition_by, order_by) -%}
    first_value({{ expression }}) over (
        partition by {{ partition_by }}
        order by case when {{ expression }} is null then 1 else 0 end, {{ order_by }}
        rows between unbounded preceding and unbounded following
    )
{%- endmacro %}

{% macro duckdb__first_non_null_value(expression, partition_by, order_by) -%}
    first_value({{ expression }} ignore nulls) over (
        partition by {{ partition_by }}
        order by {{ order_by }}
        rows between unbounded preceding and unbounded following
    )
{%- endmacro %}

{#-
    Window expression: the last non-null value of `expression` up to the current row, in
    `order_by` order. Only where `window_ignore_nulls()` is true.
-#}
{% macro last_non_null_value(expression, partition_by, order_by) -%}
    {{ return(adapter.dispatch('last_non_null_value', 'micro_conversions')(expression, partition_by, order_by)) }}
{%- endmacro %}

{% macro default__last_non_null_value(expression, partition_by, order_by) -%}
    {{ exceptions.raise_compiler_error(
        'last_non_null_value needs window functions with ignore nulls (window_ignore_nulls())') }}
{%- endmacro %}

{% macro duckdb__last_non_null_value(expression, partition_by, order_by) -%}
    last_value({{ expression }} ignore nulls) over (
        partition by {{ partition_by }}
        order by {{ order_by }}
        rows between unbounded preceding and current row
    )
{%- endmacro %}
