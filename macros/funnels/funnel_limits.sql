{#-
    The most steps a funnel may have: fct_funnel_actors has a column per step (step_1_at ... ).
    Raising it is this one edit: `make` regenerates the step columns' documentation and contract
    (mc-funnel-columns), and every model loops up to it.
-#}
{% macro max_funnel_steps() -%}
    {{ return(8) }}
{%- endmacro %}

{#- The most exclusion rules a funnel may have. -#}
{% macro max_funnel_exclusions() -%}
    {{ return(3) }}
{%- endmacro %}
