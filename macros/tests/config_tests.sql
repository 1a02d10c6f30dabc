{#-
    Validates configuration rows (a seed). `checks` is a list of {when: SQL true for a bad row,
    message: what is wrong} (or message_sql: SQL giving the message, for checks generated from a
    registry, e.g. the goal types). `configuration`: its name (config_relation): its
    rows are read where the configuration is read from (the seed, or the host project's own
    table), aliased `checked`; without it, the seed. When some
    row is bad the test stops with an error that names every bad row by `key_column` and says what
    is wrong with it, so downstream models are skipped and no mart is built from a broken
    configuration. With `min_rows`, a seed with fewer rows stops the
    build the same way, with `empty_message`.
-#}
{% test config_rows_valid(model, key_column, checks, min_rows=0, empty_message='', configuration=none) %}

{%- set checked = micro_conversions.checked_configuration(model, configuration) -%}

{%- if execute and min_rows > 0 -%}
    {%- set row_count = run_query('select count(*) from ' ~ checked).columns[0].values()[0] -%}
    {%- if row_count < min_rows -%}
        {{ exceptions.raise_compiler_error(
            'Invalid configuration in seed ' ~ model.identifier ~ ': ' ~ row_count ~ ' row(s), at least '
            ~ min_rows ~ ' needed. ' ~ empty_message) }}
    {%- endif -%}
{%- endif -%}

{%- set failing_rows -%}
    {%- for check in checks %}
    select
        cast({{ key_column }} as {{ dbt.type_string() }}) as config_row,
        {% if check.message_sql -%}
        cast({{ check.message_sql }} as {{ dbt.type_string() }})
        {%- else -%}
        '{{ check.message | replace("'", "''") }}'
        {%- endif %} as problem
    from {{ checked }}
    where {{ check.when }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endset -%}

{%- if execute -%}
    {%- set lines = [] -%}
    {%- for row in run_query(failing_rows).rows -%}
        {%- do lines.append(model.identifier ~ ' row with ' ~ key_column ~ ' = ' ~ (row[0] if row[0] is not none else '(empty)') ~ ': ' ~ row[1]) -%}
    {%- endfor -%}
    {%- do micro_conversions.raise_configuration_problems(model, lines) -%}
{%- endif -%}

{{ failing_rows }}

{% endtest %}

{#-
    `<relation> as checked` for a configuration test: the configuration `config` as the settings
    point it (config_relation, which makes the test depend on it).
-#}
{% macro checked_configuration(model, config) -%}
    {{ return(micro_conversions.config_relation(config, 'checked') if config else model ~ ' as checked') }}
{%- endmacro %}

{#- Stops the build naming every problem found in a configuration seed (none: nothing happens). -#}
{% macro raise_configuration_problems(model, lines) -%}
    {%- if lines -%}
        {{ exceptions.raise_compiler_error(
            'Invalid configuration in seed ' ~ model.identifier ~ ' (' ~ lines | length ~ ' problem(s)):\n  '
            ~ lines | join('\n  ')) }}
    {%- endif -%}
{%- endmacro %}

{#-
    Every regular expression in `column_name` compiles. Where the engine can test a pattern
    without failing (`regex_is_invalid`), an invalid one stops the build with the row's
    `key_column` and the pattern quoted; elsewhere the query evaluates each pattern, so an invalid
    one fails with the engine's message.
-#}
{% test regexes_compile(model, column_name, key_column=none, configuration=none) %}

{%- set checked = micro_conversions.checked_configuration(model, configuration) -%}

{%- set invalid = micro_conversions.regex_is_invalid(column_name) -%}
{%- if execute and invalid -%}
    {%- set found = run_query(
        'select ' ~ (key_column or "''") ~ ', ' ~ column_name ~ ' from ' ~ checked
        ~ ' where ' ~ column_name ~ ' is not null and ' ~ invalid) -%}
    {%- set lines = [] -%}
    {%- for row in found.rows -%}
        {%- do lines.append(model.identifier ~ (' row with ' ~ key_column ~ ' = ' ~ row[0] if key_column else '')
            ~ ': ' ~ column_name ~ " '" ~ row[1] ~ "' is not a valid regular expression") -%}
    {%- endfor -%}
    {%- do micro_conversions.raise_configuration_problems(model, lines) -%}
{%- endif -%}

select {{ column_name }}
from {{ checked }}
where {{ column_name }} is not null
    and {{ micro_conversions.regexp_matches("''", column_name) }} is null

{% endtest %}

{#-
    SQL true when the pattern in `column` is not a valid regular expression, evaluated without
    failing; empty where the engine has no such test.
-#}
{% macro regex_is_invalid(column) -%}
    {{ return(adapter.dispatch('regex_is_invalid', 'micro_conversions')(column)) }}
{%- endmacro %}

{% macro default__regex_is_invalid(column) -%}
    {{ return('') }}
{%- endmacro %}

{% macro duckdb__regex_is_invalid(column) -%}
    {{ return('try(regexp_matches(\'\', ' ~ column ~ ')) is null') }}
{%- endmacro %}

{#- Postgres: a small function catches the error of compiling the pattern. -#}
{% macro postgres__regex_is_invalid(column) -%}
    {%- set function = target.schema ~ '.mc_regex_is_valid' -%}
    {%- if execute -%}
        {%- do run_query(
            'create schema if not exists ' ~ target.schema ~ ';'
            ~ ' create or replace function ' ~ function ~ '(pattern text) returns boolean language plpgsql as $$'
            ~ ' begin perform \'\' ~ pattern; return true;'
            ~ ' exception when invalid_regular_expression then return false; end $$') -%}
    {%- endif -%}
    {{ return('not ' ~ function ~ '(' ~ column ~ ')') }}
{%- endmacro %}
