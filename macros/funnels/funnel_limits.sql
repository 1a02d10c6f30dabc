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

{#-
    The steps and exclusion rules the configured funnels use ({'steps': n, 'exclusions': m}, at
    most the limits above), read from the staged configuration when a model runs: the funnel
    models compute pointers only for these and leave the rest of the step columns empty (0 or
    null), so a 4-step funnel costs 4 steps, not max_funnel_steps(). A change to the funnels is a
    change to their seeds, which rebuilds the funnel models in full (macros/incremental/state.sql),
    so rows never mix two shapes. The limits themselves while parsing, in unit tests, or when the
    staged configuration is not built yet.
-#}
{% macro configured_funnel_shape() -%}
    {%- set limits = {'steps': micro_conversions.max_funnel_steps(), 'exclusions': micro_conversions.max_funnel_exclusions()} -%}
    {%- if not execute or micro_conversions.in_unit_test() -%}
        {{ return(limits) }}
    {%- endif -%}
    {%- set steps_relation = micro_conversions.built_relation('stg_funnel_steps') -%}
    {%- set exclusions_relation = micro_conversions.built_relation('stg_funnel_exclusions') -%}
    {%- if steps_relation is none or exclusions_relation is none -%}
        {{ return(limits) }}
    {%- endif -%}
    {%- set row = run_query(
        'select (select max(step_number) from ' ~ steps_relation ~ '),'
        ~ ' (select max(exclusion_number) from ' ~ exclusions_relation ~ ')').rows[0] -%}
    {{ return({
        'steps': [[row[0] or 1, 1] | max, limits.steps] | min | int,
        'exclusions': [row[1] or 0, limits.exclusions] | min | int,
    }) }}
{%- endmacro %}
