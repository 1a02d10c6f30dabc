{#- `numerator` / `denominator` as a 64-bit fraction; null when the denominator is 0 or null. -#}
{% macro safe_ratio(numerator, denominator) -%}
    case
        when {{ denominator }} > 0
            then cast({{ numerator }} as {{ micro_conversions.type_double() }}) / {{ denominator }}
    end
{%- endmacro %}

{#-
    One bound of the Wilson score interval for `successes` out of `trials` (default 95%,
    z = 1.959964): (p + z^2/2n -/+ z * sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), clamped to
    [0, 1] against rounding; null when there are no trials. `bound` is 'lower' or 'upper'.
-#}
{% macro wilson_bound(successes, trials, bound, z=1.959963984540054) -%}
    {%- set n = 'cast(' ~ trials ~ ' as ' ~ micro_conversions.type_double() ~ ')' -%}
    {%- set p = '(cast(' ~ successes ~ ' as ' ~ micro_conversions.type_double() ~ ') / ' ~ n ~ ')' -%}
    {%- set z2 = z * z -%}
    {%- set centre = p ~ ' + ' ~ z2 ~ ' / (2 * ' ~ n ~ ')' -%}
    {%- set spread = z ~ ' * sqrt(' ~ p ~ ' * (1 - ' ~ p ~ ') / ' ~ n ~ ' + ' ~ z2 ~ ' / (4 * ' ~ n ~ ' * ' ~ n ~ '))' -%}
    case
        when {{ trials }} > 0 then
            {%- if bound == 'lower' %}
            greatest(0.0, ({{ centre }} - {{ spread }}) / (1 + {{ z2 }} / {{ n }}))
            {%- elif bound == 'upper' %}
            least(1.0, ({{ centre }} + {{ spread }}) / (1 + {{ z2 }} / {{ n }}))
            {%- else %}
            {{ exceptions.raise_compiler_error("wilson_bound: bound must be 'lower' or 'upper', got " ~ bound) }}
            {%- endif %}
    end
{%- endmacro %}

{#- A rate column with its Wilson bounds: `<name>`, `<name>_lower`, `<name>_upper`. -#}
{% macro rate_columns(name, successes, trials) -%}
    {{ micro_conversions.safe_ratio(successes, trials) }} as {{ name }},
    {{ micro_conversions.wilson_bound(successes, trials, 'lower') }} as {{ name }}_lower,
    {{ micro_conversions.wilson_bound(successes, trials, 'upper') }} as {{ name }}_upper
{%- endmacro %}
