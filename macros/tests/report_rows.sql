{#-
    Prints the rows `sql` returns in one line of the run's output, as "<label>: v1, v2, ...",
    each row's columns joined by a space (nothing when there are none). Lets a warn-level test
    say what it found, not only how many rows.
-#}
{% macro report_rows(sql, label) -%}
    {#- Only when tests run (not when a linter or `dbt compile` renders the test). -#}
    {%- if execute and flags.WHICH in ['test', 'build'] -%}
        {%- set found = run_query(sql) -%}
        {%- if found.rows | length > 0 -%}
            {%- set items = [] -%}
            {%- for row in found.rows -%}
                {%- do items.append(row.values() | join(' ')) -%}
            {%- endfor -%}
            {%- do log(label ~ ': ' ~ items | join(', '), info=True) -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
