-- One row per calendar day from 2000-01-01 to 2049-12-31: the time spine MetricFlow joins to.
-- Built from cross-joined digits (whole_numbers), so it runs the same on every engine.
with

day_numbers as (

    {{ micro_conversions.whole_numbers(5) }}

),

final as (

    select
        cast({{ dbt.dateadd('day', 'n', "cast('2000-01-01' as date)") }} as date) as date_day
    from day_numbers
    -- 50 years of 365 days and 13 leap days (2000, 2004, ..., 2048): 2000-01-01 + 18263 days = 2050-01-01.
    where n < 18263

)

select * from final
