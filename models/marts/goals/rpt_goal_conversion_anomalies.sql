{#-
    One row per day x goal (grain: session_date, goal_id): the day's session conversion rate against
    the same goal's rates on the previous `micro_conversions__anomaly_trailing_days` days.
-#}
{%- set trailing_days = micro_conversions.setting('micro_conversions__anomaly_trailing_days') -%}
with

daily as (

    select * from {{ ref('rpt_goal_conversion_daily') }}

),

trailing_rates as (

    select
        today.session_date,
        today.goal_id,
        count(earlier.conversion_rate) as trailing_days,
        avg(earlier.conversion_rate) as trailing_mean_rate,
        stddev_samp(earlier.conversion_rate) as trailing_stddev_rate
    from daily as today
    left join daily as earlier
        on today.goal_id = earlier.goal_id
            and today.session_date > earlier.session_date
            and {{ dbt.dateadd('day', -trailing_days, 'today.session_date') }} <= earlier.session_date
    group by today.session_date, today.goal_id

),

final as (

    select
        daily.session_date,
        daily.goal_id,
        daily.is_experimental,
        daily.sessions,
        daily.converting_sessions,
        daily.conversion_rate,
        cast(trailing_rates.trailing_days as {{ dbt.type_bigint() }}) as trailing_days,
        trailing_rates.trailing_mean_rate,
        trailing_rates.trailing_stddev_rate,
        (daily.conversion_rate - trailing_rates.trailing_mean_rate) / nullif(trailing_rates.trailing_stddev_rate, 0) as z_score,
        coalesce(
            trailing_rates.trailing_days >= {{ micro_conversions.setting('micro_conversions__anomaly_min_history_days') }}
            and daily.sessions >= {{ micro_conversions.setting('micro_conversions__anomaly_min_sessions') }}
            and abs(daily.conversion_rate - trailing_rates.trailing_mean_rate)
            > {{ micro_conversions.setting('micro_conversions__anomaly_stddevs') }} * trailing_rates.trailing_stddev_rate,
            false
        ) as is_anomaly
    from daily
    inner join trailing_rates
        on daily.session_date = trailing_rates.session_date
            and daily.goal_id = trailing_rates.goal_id

)

select * from final
