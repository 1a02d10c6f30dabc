{#-
    Validates configuration rows (a seed). `checks` is a list of {when: SQL true for a bad row,
    message: what is wrong}. When some row is bad the test stops with an error that names every
    bad row by `key_column` and says what is wrong with it, so downstream models are skipped and no
    mart is built from a broken configuration.
-#}
{% test config_rows_valid(model, key_column, checks) %}

{%- set failing_rows -%}
    {%- for check in checks %}
    select
        cast({{ key_column }} as {{ dbt.type_string() }}) as config_row,
        '{{ check.message | replace("'", "''") }}' as problem
    from {{ model }}
    where {{ check.when }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endset -%}

{%- if execute -%}
    {%- set found = run_query(failing_rows) -%}
    {%- if found.rows | length > 0 -%}
        {%- set lines = [] -%}
        {%- for row in found.rows -%}
            {%- do lines.append(model.identifier ~ ' row with ' ~ key_column ~ ' = ' ~ (row[0] if row[0] is not none else '(empty)') ~ ': ' ~ row[1]) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            'Invalid configuration in seed ' ~ model.identifier ~ ' (' ~ lines | length ~ ' problem(s)):\n  '
            ~ lines | join('\n  ')) }}
    {%- endif -%}
{%- endif -%}

{{ failing_rows }}

{% endtest %}

{#-
    Every regular expression in `column_name` compiles: the query evaluates each one, so an invalid
    pattern fails the test with the engine's message (DuckDB quotes the pattern).
-#}
{% test regexes_compile(model, column_name) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
    and {{ micro_conversions.regexp_matches("''", column_name) }} is null

{% endtest %}
