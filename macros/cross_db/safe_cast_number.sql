{#- Text to a decimal number; null (never an error) when the text is not a plain decimal number. -#}
{% macro safe_cast_number(expression) -%}
    {{ return(adapter.dispatch('safe_cast_number', 'micro_conversions')(expression)) }}
{%- endmacro %}

{% macro default__safe_cast_number(expression) -%}
    case
        when {{ expression }} ~ '^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*$'
            then cast({{ expression }} as {{ dbt.type_numeric() }})
    end
{%- endmacro %}

{% macro duckdb__safe_cast_number(expression) -%}
    case
        when regexp_matches({{ expression }}, '^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*$')
            then try_cast({{ expression }} as {{ dbt.type_numeric() }})
    end
{%- endmacro %}

{% macro spark__safe_cast_number(expression) -%}
    case
        when {{ expression }} rlike '^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*$'
            then try_cast(trim({{ expression }}) as {{ dbt.type_numeric() }})
    end
{%- endmacro %}

{#-
    SQL true when `expression` is a plain decimal number with more than `digits` digits before
    the decimal point (leading zeros aside): a value that does not fit the type it is cast to.
-#}
{% macro number_too_large(expression, digits) -%}
    coalesce({{ micro_conversions.regexp_matches(
        expression, "'^\\s*[+-]?0*[1-9][0-9]{" ~ digits ~ ",}(\\.[0-9]*)?\\s*$'") }}, false)
{%- endmacro %}
