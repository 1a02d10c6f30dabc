{#- The most steps a funnel may have: fct_funnel_actors has a column per step (step_1_at ... ). -#}
{% macro max_funnel_steps() -%}
    {{ return(8) }}
{%- endmacro %}

{#- The most exclusion rules a funnel may have. -#}
{% macro max_funnel_exclusions() -%}
    {{ return(3) }}
{%- endmacro %}
