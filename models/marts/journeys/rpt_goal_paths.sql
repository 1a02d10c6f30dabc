{#- One row per goal path (grain: goal_path); rare paths folded into '(other)'. -#}
{%- set max_length = micro_conversions.setting('micro_conversions__max_goal_path_length') -%}
{%- set max_paths = micro_conversions.setting('micro_conversions__max_goal_paths') -%}
{%- set min_visitors = micro_conversions.setting('micro_conversions__min_goal_path_visitors') -%}
{%- if max_length is not number or max_length < 1 or max_length != max_length | int -%}
    {{ exceptions.raise_compiler_error(
        'micro_conversions__max_goal_path_length must be a whole number of at least 1, not ' ~ max_length) }}
{%- endif -%}
{#- A column per step a path can show: the goal at that micro step, if the visitor has it. -#}
{%- set step_names, step_goals = [], [] -%}
{%- for step in range(1, max_length + 1) -%}
    {%- do step_names.append('goal_' ~ step) -%}
    {%- do step_goals.append('max(case when step_number = ' ~ step ~ ' then goal_id end) as goal_' ~ step) -%}
{%- endfor %}
with

journeys as (

    select * from {{ ref('int_visitor_journeys_ordered') }}

),

visitors as (

    select * from {{ ref('dim_visitors') }}

),

-- A path longer than max_goal_path_length keeps its first (max - 1) goals and its last, with
-- '...' for the goals in between: long paths that start and end alike share a row. A visitor's
-- micro steps are numbered 1, 2, ... (the macro goal comes last), so the goals shown are picked by
-- step number in one plain aggregation (concat_ws skips the steps a short path does not have).
micro_paths as (

    select
        visitor_id,
        count(*) as path_length,
        {{ step_goals | join(',\n        ') }},
        {{ micro_conversions.value_at_max('goal_id', 'step_number') }} as last_goal
    from journeys
    where goal_kind = 'micro'
    group by visitor_id

),

micro_path_names as (

    select
        visitor_id,
        path_length,
        case
            when path_length <= {{ max_length }} then concat_ws(' > ', {{ step_names | join(', ') }})
            else concat_ws(' > ', {{ (step_names[:-1] + ["'... > ' || last_goal"]) | join(', ') }})
        end as goal_path
    from micro_paths

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
    left join micro_path_names as micro_paths
        on visitors.visitor_id = micro_paths.visitor_id
    left join conversions
        on visitors.visitor_id = conversions.visitor_id

),

-- A path keeps its own row if it is among the most frequent paths of all visitors, or among the
-- paths of the most converting visitors, and has enough visitors either way.
path_counts as (

    select
        goal_path,
        count(*) as visitors,
        sum(case when converted then 1 else 0 end) as converting_visitors
    from visitor_paths
    group by goal_path

),

path_ranks as (

    select
        goal_path,
        visitors,
        row_number() over (order by visitors desc, goal_path asc) as path_rank,
        case
            when converting_visitors > 0
                then row_number() over (order by converting_visitors desc, visitors desc, goal_path asc)
        end as converter_rank
    from path_counts

),

named_paths as (

    select
        goal_path,
        converter_rank,
        visitors >= {{ min_visitors }}
        and (path_rank <= {{ max_paths }} or coalesce(converter_rank <= {{ max_paths }}, false)) as is_named
    from path_ranks

),

folded as (

    select
        case when named_paths.is_named then visitor_paths.goal_path else '(other)' end as goal_path,
        case when named_paths.is_named then visitor_paths.path_length end as path_length,
        case when named_paths.is_named then named_paths.converter_rank end as converter_rank,
        visitor_paths.converted,
        visitor_paths.seconds_to_convert
    from visitor_paths
    inner join named_paths
        on visitor_paths.goal_path = named_paths.goal_path

),

final as (

    select
        goal_path,
        cast(max(path_length) as {{ dbt.type_bigint() }}) as path_length,
        cast(max(converter_rank) as {{ dbt.type_bigint() }}) as converter_rank,
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
