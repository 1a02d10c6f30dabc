{#- One row per goal path (grain: goal_path); rare paths folded into '(other)'. -#}
with

journeys as (

    select * from {{ ref('int_visitor_journeys_ordered') }}

),

visitors as (

    select * from {{ ref('dim_visitors') }}

),

micro_paths as (

    select
        visitor_id,
        count(*) as path_length,
        {{ micro_conversions.ordered_string_agg('goal_id', 'step_number', "' > '") }} as goal_path
    from journeys
    where goal_kind = 'micro'
    group by visitor_id

),

conversions as (

    select
        visitor_id,
        first_completed_at as converted_at
    from journeys
    where goal_kind = 'macro'

),

visitor_paths as (

    select
        visitors.visitor_id,
        coalesce(micro_paths.goal_path, '(no micro-conversion)') as goal_path,
        coalesce(micro_paths.path_length, 0) as path_length,
        conversions.visitor_id is not null as converted,
        {{ micro_conversions.seconds_between('visitors.first_seen_at', 'conversions.converted_at') }} as seconds_to_convert
    from visitors
    left join micro_paths
        on visitors.visitor_id = micro_paths.visitor_id
    left join conversions
        on visitors.visitor_id = conversions.visitor_id

),

path_ranks as (

    select
        goal_path,
        row_number() over (order by count(*) desc, goal_path) as path_rank,
        count(*) as visitors
    from visitor_paths
    group by goal_path

),

folded as (

    select
        case
            when path_ranks.path_rank <= {{ micro_conversions.setting('micro_conversions__max_goal_paths') }}
                and path_ranks.visitors >= {{ micro_conversions.setting('micro_conversions__min_goal_path_visitors') }}
                then visitor_paths.goal_path
            else '(other)'
        end as goal_path,
        case
            when path_ranks.path_rank <= {{ micro_conversions.setting('micro_conversions__max_goal_paths') }}
                and path_ranks.visitors >= {{ micro_conversions.setting('micro_conversions__min_goal_path_visitors') }}
                then visitor_paths.path_length
        end as path_length,
        visitor_paths.converted,
        visitor_paths.seconds_to_convert
    from visitor_paths
    inner join path_ranks
        on visitor_paths.goal_path = path_ranks.goal_path

),

final as (

    select
        goal_path,
        cast(max(path_length) as {{ dbt.type_bigint() }}) as path_length,
        cast(count(*) as {{ dbt.type_bigint() }}) as visitors,
        cast(sum(case when converted then 1 else 0 end) as {{ dbt.type_bigint() }}) as converting_visitors,
        {{ micro_conversions.rate_columns('conversion_rate', 'sum(case when converted then 1 else 0 end)', 'count(*)') }},
        cast(
            {{ micro_conversions.percentile('seconds_to_convert', 0.5) }} as {{ micro_conversions.type_double() }}
        ) as median_seconds_to_convert
    from folded
    group by goal_path

)

select * from final
