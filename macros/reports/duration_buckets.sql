{#-
    The duration buckets of the time-to-convert reports, as rows (bucket_number, duration_bucket,
    lower_seconds, upper_seconds): a duration d falls in the bucket with
    lower_seconds <= d < upper_seconds (the last bucket has no upper bound).
-#}
{% macro duration_bucket_rows() -%}
    {%- set buckets = [
        (1, 'under 1 minute', 0, 60),
        (2, '1-10 minutes', 60, 600),
        (3, '10-60 minutes', 600, 3600),
        (4, '1-24 hours', 3600, 86400),
        (5, '1-7 days', 86400, 604800),
        (6, '7 days or more', 604800, none),
    ] -%}
    {%- for number, label, lower, upper in buckets %}
    select
        {{ number }} as bucket_number,
        cast('{{ label }}' as {{ dbt.type_string() }}) as duration_bucket,
        cast({{ lower }} as {{ micro_conversions.type_double() }}) as lower_seconds,
        cast({{ upper if upper is not none else 'null' }} as {{ micro_conversions.type_double() }}) as upper_seconds
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
