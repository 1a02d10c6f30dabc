{#-
    One row per funnel x step x duration bucket (grain: funnel_id, step_number, bucket_number)
    for the steps after the first of ordered and strict funnels: actors (not excluded) by the
    seconds from the previous step to this one (fct_funnel_actors.seconds_to_step_k, the first
    attempt that reached the step). Unordered funnels have no step order, so no durations here.
-#}
{%- set steps = range(2, micro_conversions.max_funnel_steps() + 1) -%}
with

buckets as (

    {{ micro_conversions.duration_bucket_rows() }}

),

actors as (

    select * from {{ ref('fct_funnel_actors') }}
    where not is_excluded and ordering != 'unordered'

),

funnel_steps as (

    select * from {{ ref('dim_funnels') }}
    where step_number > 1 and ordering != 'unordered'

),

durations as (

    select
        funnel_steps.funnel_id,
        funnel_steps.step_number,
        case funnel_steps.step_number
            {%- for k in steps %}
                when {{ k }} then actors.seconds_to_step_{{ k }}
            {%- endfor %}
        end as seconds_from_previous
    from actors
    inner join funnel_steps
        on actors.funnel_id = funnel_steps.funnel_id
            and actors.furthest_step >= funnel_steps.step_number

),

counted as (

    select
        funnel_steps.funnel_id,
        funnel_steps.step_number,
        buckets.bucket_number,
        count(durations.seconds_from_previous) as actors
    from funnel_steps
    cross join buckets
    left join durations
        on funnel_steps.funnel_id = durations.funnel_id
            and funnel_steps.step_number = durations.step_number
            and buckets.lower_seconds <= durations.seconds_from_previous
            and (buckets.upper_seconds is null or buckets.upper_seconds > durations.seconds_from_previous)
    group by funnel_steps.funnel_id, funnel_steps.step_number, buckets.bucket_number

),

final as (

    select
        counted.funnel_id,
        counted.step_number,
        counted.bucket_number,
        buckets.duration_bucket,
        buckets.lower_seconds,
        buckets.upper_seconds,
        cast(counted.actors as {{ dbt.type_bigint() }}) as actors,
        cast(
            sum(counted.actors) over (partition by counted.funnel_id, counted.step_number)
            as {{ dbt.type_bigint() }}
        ) as actors_reached,
        {{ micro_conversions.safe_ratio(
            'counted.actors', 'sum(counted.actors) over (partition by counted.funnel_id, counted.step_number)') }}
            as share_of_actors
    from counted
    inner join buckets
        on counted.bucket_number = buckets.bucket_number

)

select * from final
