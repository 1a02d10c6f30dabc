{#-
    One row per macro goal x cohort week x week number (grain: macro_goal_id, cohort_week,
    week_number): of the visitors whose first session fell in the cohort week, those who
    completed the macro goal in the week `week_number` weeks later, and of them those who had
    already completed it in an earlier week (a repeat purchase). See weekly_cohort_cells.
-#}
with

cells as (

    {{ micro_conversions.weekly_cohort_cells(ref('dim_visitors'), ref('fct_sessions')) }}

),

goals as (

    select goal_id as macro_goal_id
    from {{ ref('dim_goals') }}
    where goal_kind = 'macro'

),

visitors as (

    select
        visitor_id,
        {{ dbt.date_trunc('week', 'first_seen_at') }} as cohort_week
    from {{ ref('dim_visitors') }}

),

conversion_weeks as (

    select distinct
        completions.goal_id as macro_goal_id,
        visitors.cohort_week,
        completions.visitor_id,
        {{ micro_conversions.weeks_between(
            'visitors.cohort_week', dbt.date_trunc('week', 'completions.first_completed_at')) }} as week_number
    from {{ ref('fct_goal_completions') }} as completions
    inner join visitors
        on completions.visitor_id = visitors.visitor_id
    where completions.goal_kind = 'macro'

),

numbered as (

    select
        *,
        min(week_number) over (partition by macro_goal_id, visitor_id) as first_conversion_week
    from conversion_weeks

),

converted as (

    select
        macro_goal_id,
        cohort_week,
        week_number,
        count(*) as converting_visitors,
        sum(case when week_number > first_conversion_week then 1 else 0 end) as repeat_converting_visitors
    from numbered
    group by macro_goal_id, cohort_week, week_number

),

final as (

    select
        goals.macro_goal_id,
        cast(cells.cohort_week as date) as cohort_week,
        cast(cells.week_number as integer) as week_number,
        cast(cells.cohort_visitors as {{ dbt.type_bigint() }}) as cohort_visitors,
        cast(coalesce(converted.converting_visitors, 0) as {{ dbt.type_bigint() }}) as converting_visitors,
        cast(coalesce(converted.repeat_converting_visitors, 0) as {{ dbt.type_bigint() }})
            as repeat_converting_visitors,
        case
            when not cells.is_censored
                then {{ micro_conversions.safe_ratio('coalesce(converted.converting_visitors, 0)', 'cells.cohort_visitors') }}
        end as conversion_rate,
        case
            when not cells.is_censored
                then {{ micro_conversions.safe_ratio(
                    'coalesce(converted.repeat_converting_visitors, 0)', 'cells.cohort_visitors') }}
        end as repeat_conversion_rate,
        cells.is_censored
    from goals
    cross join cells
    left join converted
        on goals.macro_goal_id = converted.macro_goal_id
            and cells.cohort_week = converted.cohort_week
            and cells.week_number = converted.week_number

)

select * from final
