{#-
    A select of one column `n`: the whole numbers 0 .. 10^places - 1, from cross-joined digits
    (plain SQL that runs the same on every engine, no generate_series).
-#}
{% macro whole_numbers(places) -%}
    select
        {%- for place in range(places) %}
        {{ ' + ' if not loop.first }}{{ 10 ** place }} * digit_{{ place }}.d
        {%- endfor %} as n
    from (
        select 0 as d union all select 1 union all select 2 union all select 3 union all select 4
        union all select 5 union all select 6 union all select 7 union all select 8 union all select 9
    ) as digit_0
    {%- for place in range(1, places) %}
    cross join (
        select 0 as d union all select 1 union all select 2 union all select 3 union all select 4
        union all select 5 union all select 6 union all select 7 union all select 8 union all select 9
    ) as digit_{{ place }}
    {%- endfor %}
{%- endmacro %}
