{#-
    ln(x!) for a whole number x >= 0, in portable SQL (no lgamma on every engine).
    Below 10 the exact value; from 10 Stirling's series to the x^-5 term, whose error is below
    1 / (1680 x^7) < 6e-11, far below what a p-value needs.
-#}
{% macro log_factorial(x) -%}
    {%- set xd = 'cast(' ~ x ~ ' as ' ~ micro_conversions.type_double() ~ ')' -%}
    case
        when {{ x }} < 10 then ln(case {{ x }}
            when 2 then 2.0 when 3 then 6.0 when 4 then 24.0 when 5 then 120.0 when 6 then 720.0
            when 7 then 5040.0 when 8 then 40320.0 when 9 then 362880.0 else 1.0 end)
        else
            {{ xd }} * ln(greatest({{ xd }}, 1.0)) - {{ xd }}
            + 0.5 * ln(2 * pi() * greatest({{ xd }}, 1.0))
            + 1.0 / (12 * {{ xd }}) - 1.0 / (360 * power({{ xd }}, 3)) + 1.0 / (1260 * power({{ xd }}, 5))
    end
{%- endmacro %}

{#-
    ln of the hypergeometric probability that a 2x2 table with these margins has `k` in its
    top-left cell: rows of `row1` and `row0` items, `col1` of them in the first column.
    P(k) = C(row1, k) C(row0, col1 - k) / C(row1 + row0, col1).
-#}
{% macro log_hypergeometric_pmf(k, row1, row0, col1) -%}
    (
        {{ micro_conversions.log_factorial(row1) }}
        + {{ micro_conversions.log_factorial(row0) }}
        + {{ micro_conversions.log_factorial(col1) }}
        + {{ micro_conversions.log_factorial('(' ~ row1 ~ ' + ' ~ row0 ~ ' - ' ~ col1 ~ ')') }}
        - {{ micro_conversions.log_factorial('(' ~ row1 ~ ' + ' ~ row0 ~ ')') }}
        - {{ micro_conversions.log_factorial(k) }}
        - {{ micro_conversions.log_factorial('(' ~ row1 ~ ' - ' ~ k ~ ')') }}
        - {{ micro_conversions.log_factorial('(' ~ col1 ~ ' - ' ~ k ~ ')') }}
        - {{ micro_conversions.log_factorial('(' ~ row0 ~ ' - ' ~ col1 ~ ' + ' ~ k ~ ')') }}
    )
{%- endmacro %}

{#- exp(x), 0 where it would fall below what a double holds (Postgres raises an error there). -#}
{% macro exp_or_zero(x) -%}
    case when {{ x }} < -700 then 0.0 else exp({{ x }}) end
{%- endmacro %}
