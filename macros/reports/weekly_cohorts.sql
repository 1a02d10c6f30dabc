{#-
    Weekly cohort cells, shared by the retention reports: one row per cohort week (the Monday of
    the week of a visitor's first session, UTC) x week number (0 = the cohort's own week) up to
    the week holding the data's last moment (the latest session end). A cell is censored when
    its week had not ended by then: its counts are what was seen so far, and its rates are null.
    Columns: cohort_week, week_number, cohort_visitors, is_censored.
-#}
{% macro weekly_cohort_cells(visitors_relation, sessions_relation) -%}
    with

    cohort_visitors as (

        select
            {{ dbt.date_trunc('week', 'first_seen_at') }} as cohort_week,
            count(*) as cohort_visitors
        from {{ visitors_relation }}
        group by {{ dbt.date_trunc('week', 'first_seen_at') }}

    ),

    observed as (

        select max(session_end_at) as last_observed_at
        from {{ sessions_relation }}

    ),

    -- 0 .. 999 weeks (19 years).
    week_numbers as (

        select n as week_number
        from ({{ micro_conversions.whole_numbers(3) }}) as numbers

    ),

    cells as (

        select
            cohort_visitors.cohort_week,
            week_numbers.week_number,
            cohort_visitors.cohort_visitors,
            {{ micro_conversions.seconds_between('cohort_visitors.cohort_week', 'observed.last_observed_at') }}
            < 604800.0 * (week_numbers.week_number + 1) as is_censored
        from cohort_visitors
        cross join observed
        cross join week_numbers
        where
            {{ micro_conversions.seconds_between('cohort_visitors.cohort_week', 'observed.last_observed_at') }}
            >= 604800.0 * week_numbers.week_number

    )

    select * from cells
{%- endmacro %}

{#- Whole weeks from `from_week` to `to_week` (both Mondays). -#}
{% macro weeks_between(from_week, to_week) -%}
    cast(round({{ micro_conversions.seconds_between(from_week, to_week) }} / 604800.0) as integer)
{%- endmacro %}
