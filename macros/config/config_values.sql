{#-
    How configuration seeds are read. Every seed column loads as text; staging models type them
    with these macros only, and the seed checks (seeds/_seeds.yml) use the same spellings, so a
    value the checks accept is the value staging reads.
-#}

{#- The spellings of true and false a boolean seed column accepts (case and spaces ignored). -#}
{% macro config_true_spellings() -%}
    {{ return(['true', 't', 'yes', 'y', '1']) }}
{%- endmacro %}

{% macro config_false_spellings() -%}
    {{ return(['false', 'f', 'no', 'n', '0']) }}
{%- endmacro %}

{#- A list of strings as a SQL list literal: ('a', 'b'). -#}
{% macro sql_string_list(values) -%}
    ({%- for value in values -%}'{{ value | replace("'", "''") }}'{{ ', ' if not loop.last }}{%- endfor -%})
{%- endmacro %}

{#- A value as text, whatever type it was loaded with. -#}
{% macro config_as_text(column) -%}
    cast({{ column }} as {{ dbt.type_string() }})
{%- endmacro %}

{#- Text with surrounding spaces removed; empty text is null. -#}
{% macro config_text(column) -%}
    nullif(trim({{ micro_conversions.config_as_text(column) }}), '')
{%- endmacro %}

{#- An identifier (ids, names of kinds, types, events): lower case, trimmed; empty is null. -#}
{% macro config_key(column) -%}
    nullif(lower(trim({{ micro_conversions.config_as_text(column) }})), '')
{%- endmacro %}

{#- A number of `type` (dbt type name); text that is not a number reads as null. -#}
{% macro config_number(column, type) -%}
    cast({{ micro_conversions.safe_cast_number(micro_conversions.config_as_text(column)) }} as {{ type }})
{%- endmacro %}

{#- A boolean: true or false for the accepted spellings, `default` (SQL) for anything else. -#}
{% macro config_boolean(column, default='null') -%}
    case
        when {{ micro_conversions.config_key(column) }} in {{ micro_conversions.sql_string_list(micro_conversions.config_true_spellings()) }}
            then true
        when {{ micro_conversions.config_key(column) }} in {{ micro_conversions.sql_string_list(micro_conversions.config_false_spellings()) }}
            then false
        else {{ default }}
    end
{%- endmacro %}

{#- Seed check: `column` is given but is not one of the boolean spellings. -#}
{% macro config_boolean_is_invalid(column) -%}
    ({{ micro_conversions.config_text(column) }} is not null and {{ micro_conversions.config_key(column) }} not in
        {{ micro_conversions.sql_string_list(micro_conversions.config_true_spellings() + micro_conversions.config_false_spellings()) }})
{%- endmacro %}
