{#-
    One row per macro goal x duration bucket (grain: macro_goal_id, bucket_number): visitors by
    the time from their first session's start to their first completion of the macro goal.
-#}
with

buckets as (

    {{ micro_conversions.duration_bucket_rows() }}

),

visitors as (

    select * from {{ ref('dim_visitors') }}

),

completions as (

    select * from {{ ref('fct_goal_completions') }}

),

goals as (

    select * from {{ ref('dim_goals') }}
    where goal_kind = 'macro'

),

first_conversions as (

    select
        visitor_id,
        goal_id as macro_goal_id,
        min(first_completed_at) as converted_at
    from completions
    where goal_kind = 'macro'
    group by visitor_id, goal_id

),

durations as (

    select
        first_conversions.macro_goal_id,
        {{ micro_conversions.seconds_between('visitors.first_seen_at', 'first_conversions.converted_at') }}
            as seconds_to_convert
    from first_conversions
    inner join visitors
        on first_conversions.visitor_id = visitors.visitor_id

),

counted as (

    select
        goals.goal_id as macro_goal_id,
        buckets.bucket_number,
        count(durations.seconds_to_convert) as converters
    from goals
    cross join buckets
    left join durations
        on goals.goal_id = durations.macro_goal_id
            and buckets.lower_seconds <= durations.seconds_to_convert
            and (buckets.upper_seconds is null or buckets.upper_seconds > durations.seconds_to_convert)
    group by goals.goal_id, buckets.bucket_number

),

final as (

    select
        counted.macro_goal_id,
        counted.bucket_number,
        buckets.duration_bucket,
        buckets.lower_seconds,
        buckets.upper_seconds,
        cast(counted.converters as {{ dbt.type_bigint() }}) as converters,
        cast(sum(counted.converters) over (partition by counted.macro_goal_id) as {{ dbt.type_bigint() }})
            as all_converters,
        {{ micro_conversions.safe_ratio(
            'counted.converters', 'sum(counted.converters) over (partition by counted.macro_goal_id)') }}
            as share_of_converters
    from counted
    inner join buckets
        on counted.bucket_number = buckets.bucket_number

)

select * from final
