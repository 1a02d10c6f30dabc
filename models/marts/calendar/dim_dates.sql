-- One row per calendar day from 2000-01-01 to 2049-12-31: the time spine MetricFlow joins to.
-- Built from cross-joined digits, so it runs the same on every engine.
with

digits as (

    select 0 as d
    union all
    select 1
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5
    union all
    select 6
    union all
    select 7
    union all
    select 8
    union all
    select 9

),

day_numbers as (

    select
        ones.d
        + 10 * tens.d
        + 100 * hundreds.d
        + 1000 * thousands.d
        + 10000 * ten_thousands.d as day_number
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands
    cross join digits as ten_thousands

),

final as (

    select
        cast({{ dbt.dateadd('day', 'day_number', "cast('2000-01-01' as date)") }} as date) as date_day
    from day_numbers
    -- 50 years of 365 days and 13 leap days (2000, 2004, ..., 2048): 2000-01-01 + 18263 days = 2050-01-01.
    where day_number < 18263

)

select * from final
