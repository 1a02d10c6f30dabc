{#-
    Funnel step report at the grain `dimensions` (columns of fct_funnel_actors: entry_date,
    entry_channel, ...) x funnel x step. Excluded actors are left out. Every step of a funnel
    gets a row in every cell where the funnel has actors. Rates with numerator, denominator and
    Wilson 95% bounds; `mature_` columns count only actors whose attempts' windows have all
    closed by the data's last event.
-#}
{% macro funnel_step_report(dimensions) -%}
{%- set steps = range(1, micro_conversions.max_funnel_steps() + 1) -%}
{%- set seconds_from_previous -%}
    case funnel_steps.step_number
        {%- for k in steps if k > 1 %}
        when {{ k }} then actors.seconds_to_step_{{ k }}
        {%- endfor %}
    end
{%- endset -%}
with

actors as (

    select * from {{ ref('fct_funnel_actors') }}
    where not is_excluded

),

funnel_steps as (

    select * from {{ ref('stg_funnel_steps') }}

),

funnels as (

    select * from {{ ref('stg_funnels') }}

),

cells as (

    select distinct
        {%- for column in dimensions %}
        {{ column }},
        {%- endfor %}
        funnel_id
    from actors

),

reached as (

    select
        {%- for column in dimensions %}
        actors.{{ column }},
        {%- endfor %}
        funnel_steps.funnel_id,
        funnel_steps.step_number,
        count(*) as actors_reached,
        sum(case when actors.is_window_open then 0 else 1 end) as mature_actors_reached,
        {{ micro_conversions.percentile(seconds_from_previous, 0.5) }} as median_seconds_from_previous,
        {{ micro_conversions.percentile(seconds_from_previous, 0.9) }} as p90_seconds_from_previous
    from actors
    inner join funnel_steps
        on actors.funnel_id = funnel_steps.funnel_id
            and actors.furthest_step >= funnel_steps.step_number
    group by
        {%- for column in dimensions %}
        actors.{{ column }},
        {%- endfor %}
        funnel_steps.funnel_id,
        funnel_steps.step_number

),

counted as (

    select
        {%- for column in dimensions %}
        cells.{{ column }},
        {%- endfor %}
        funnel_steps.funnel_id,
        funnel_steps.step_number,
        funnel_steps.step_name,
        funnel_steps.goal_id,
        funnels.ordering,
        cast(coalesce(reached.actors_reached, 0) as {{ dbt.type_bigint() }}) as actors_reached,
        cast(coalesce(reached.mature_actors_reached, 0) as {{ dbt.type_bigint() }}) as mature_actors_reached,
        reached.median_seconds_from_previous,
        reached.p90_seconds_from_previous
    from cells
    inner join funnel_steps
        on cells.funnel_id = funnel_steps.funnel_id
    inner join funnels
        on cells.funnel_id = funnels.funnel_id
    left join reached
        on funnel_steps.funnel_id = reached.funnel_id
            and funnel_steps.step_number = reached.step_number
            {%- for column in dimensions %}
            and cells.{{ column }} = reached.{{ column }}
            {%- endfor %}

),

with_previous as (

    select
        *,
        coalesce(lag(actors_reached) over (
            partition by {% for column in dimensions %}{{ column }}, {% endfor %}funnel_id order by step_number
        ), actors_reached) as actors_at_previous_step,
        first_value(actors_reached) over (
            partition by {% for column in dimensions %}{{ column }}, {% endfor %}funnel_id order by step_number
        ) as actors_at_start,
        coalesce(lag(mature_actors_reached) over (
            partition by {% for column in dimensions %}{{ column }}, {% endfor %}funnel_id order by step_number
        ), mature_actors_reached) as mature_actors_at_previous_step,
        first_value(mature_actors_reached) over (
            partition by {% for column in dimensions %}{{ column }}, {% endfor %}funnel_id order by step_number
        ) as mature_actors_at_start
    from counted

),

final as (

    select
        {%- for column in dimensions %}
        {{ column }},
        {%- endfor %}
        funnel_id,
        step_number,
        step_name,
        goal_id,
        ordering,
        actors_reached,
        actors_at_previous_step,
        actors_at_start,
        {{ micro_conversions.rate_columns('conversion_rate_from_previous', 'actors_reached', 'actors_at_previous_step') }},
        {{ micro_conversions.rate_columns('conversion_rate_from_start', 'actors_reached', 'actors_at_start') }},
        actors_at_previous_step - actors_reached as drop_off,
        {{ micro_conversions.safe_ratio('actors_at_previous_step - actors_reached', 'actors_at_previous_step') }} as drop_off_rate,
        median_seconds_from_previous,
        p90_seconds_from_previous,
        mature_actors_reached,
        mature_actors_at_previous_step,
        mature_actors_at_start,
        {{ micro_conversions.rate_columns(
            'mature_conversion_rate_from_previous', 'mature_actors_reached', 'mature_actors_at_previous_step'
        ) }},
        {{ micro_conversions.rate_columns('mature_conversion_rate_from_start', 'mature_actors_reached', 'mature_actors_at_start') }}
    from with_previous

)

select * from final
{%- endmacro %}
