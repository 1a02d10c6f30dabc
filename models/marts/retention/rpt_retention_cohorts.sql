{#-
    One row per cohort week x week number (grain: cohort_week, week_number): of the visitors whose
    first session fell in the cohort week, those with a session in the week `week_number` weeks
    later. See weekly_cohort_cells for the weeks and censoring.
-#}
with

cells as (

    {{ micro_conversions.weekly_cohort_cells(ref('dim_visitors'), ref('fct_sessions')) }}

),

visitors as (

    select
        visitor_id,
        {{ dbt.date_trunc('week', 'first_seen_at') }} as cohort_week
    from {{ ref('dim_visitors') }}

),

active_weeks as (

    select distinct
        visitors.cohort_week,
        sessions.visitor_id,
        {{ micro_conversions.weeks_between(
            'visitors.cohort_week', dbt.date_trunc('week', 'sessions.session_start_at')) }} as week_number
    from {{ ref('fct_sessions') }} as sessions
    inner join visitors
        on sessions.visitor_id = visitors.visitor_id

),

active as (

    select
        cohort_week,
        week_number,
        count(*) as active_visitors
    from active_weeks
    group by cohort_week, week_number

),

final as (

    select
        cast(cells.cohort_week as date) as cohort_week,
        cast(cells.week_number as integer) as week_number,
        cast(cells.cohort_visitors as {{ dbt.type_bigint() }}) as cohort_visitors,
        cast(coalesce(active.active_visitors, 0) as {{ dbt.type_bigint() }}) as active_visitors,
        case
            when not cells.is_censored
                then {{ micro_conversions.safe_ratio('coalesce(active.active_visitors, 0)', 'cells.cohort_visitors') }}
        end as retention_rate,
        cells.is_censored
    from cells
    left join active
        on cells.cohort_week = active.cohort_week
            and cells.week_number = active.week_number

)

select * from final
