-- dim_dates holds every day from 2000-01-01 to 2049-12-31 once: 18,263 days (50 x 365 + 13 leap
-- days), no gap (unique days whose count equals the span), the first and last day as documented.
with

calendar as (

    select
        min(date_day) as first_day,
        max(date_day) as last_day,
        count(*) as day_count,
        count(distinct date_day) as distinct_days
    from {{ ref('dim_dates') }}

)

select *
from calendar
where
    day_count != 18263
    or distinct_days != day_count
    or first_day != cast('2000-01-01' as date)
    or last_day != cast('2049-12-31' as date)
