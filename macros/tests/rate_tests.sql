{#- Fails on each row whose rate lies outside [0, 1]. A null rate (no denominator) passes. -#}
{% test rate_within_unit_interval(model, column_name) %}

select *
from {{ model }}
where {{ column_name }} < 0
    or {{ column_name }} > 1

{% endtest %}

{#- Fails on each row whose numerator exceeds its denominator, or either is negative or null. -#}
{% test numerator_not_above_denominator(model, numerator, denominator) %}

select *
from {{ model }}
where {{ numerator }} > {{ denominator }}
    or {{ numerator }} < 0
    or {{ numerator }} is null
    or {{ denominator }} is null

{% endtest %}

{#-
    Fails on each row whose rate is not numerator / denominator (within `tolerance`), or is not
    null when the denominator is 0.
-#}
{% test rate_equals_ratio(model, rate, numerator, denominator, tolerance=1e-9) %}

select *
from {{ model }}
where ({{ denominator }} > 0 and ({{ rate }} is null
        or abs({{ rate }} - cast({{ numerator }} as {{ micro_conversions.type_double() }}) / {{ denominator }}) > {{ tolerance }}))
    or (coalesce({{ denominator }}, 0) = 0 and {{ rate }} is not null)

{% endtest %}

{#- Fails on each row where the interval [lower, upper] does not hold the rate within [0, 1]. -#}
{% test interval_brackets_rate(model, rate, lower, upper, tolerance=1e-12) %}

select *
from {{ model }}
where ({{ rate }} is null and ({{ lower }} is not null or {{ upper }} is not null))
    or ({{ rate }} is not null and (
        {{ lower }} is null
        or {{ upper }} is null
        or {{ lower }} < 0
        or {{ upper }} > 1
        or {{ lower }} > {{ rate }} + {{ tolerance }}
        or {{ upper }} < {{ rate }} - {{ tolerance }}
    ))

{% endtest %}
