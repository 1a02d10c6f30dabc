-- Sessions, engagement and bounces by channel and device: a starting point for an analyst.
-- Compile with `dbt compile -s sessions_by_channel_and_device` and run the SQL in target/compiled.
with

sessions as (

    select * from {{ ref('fct_sessions') }}

)

select
    channel,
    device_category,
    count(*) as sessions,
    sum(case when is_engaged then 1 else 0 end) as engaged_sessions,
    sum(case when is_bounce then 1 else 0 end) as bounced_sessions,
    avg(duration_seconds) as average_duration_seconds
from sessions
group by channel, device_category
order by sessions desc
