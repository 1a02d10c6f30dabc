{#-
    For ordered and strict funnels, a step never has more actors than the step before it, in
    each group of `group_by` columns (besides funnel_id). Fails with each offending step.
-#}
{% test funnel_steps_non_increasing(model, count_column, group_by=[]) %}

with

steps as (

    select
        *,
        lag({{ count_column }}) over (
            partition by {% for column in group_by %}{{ column }}, {% endfor %}funnel_id order by step_number
        ) as previous_count
    from {{ model }}
    where ordering in ('ordered', 'strict')

)

select *
from steps
where {{ count_column }} > previous_count

{% endtest %}
