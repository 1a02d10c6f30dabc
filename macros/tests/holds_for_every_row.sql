{#-
    Fails on each row (within `where`) where `expression` is not true. A null counts as not
    true: `x > 0` fails on a row where x is null. (dbt_utils' `expression_is_true` passes such
    rows, hence a name of its own; write `coalesce(...)` or a `where` to let nulls through.)
-#}
{% test holds_for_every_row(model, expression, where='1 = 1', column_name=none) %}

select *
from {{ model }}
where ({{ where }})
    and not coalesce({{ expression }}, false)

{% endtest %}
