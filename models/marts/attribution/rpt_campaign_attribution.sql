{#- One row per macro goal x attribution model x source x medium x campaign; see macros/reports/attribution.sql. -#}
with

credits as (

    {{ micro_conversions.attribution_credits(ref('fct_sessions'), ref('fct_goal_completions')) }}

),

final as (

    select
        macro_goal_id,
        attribution_model,
        traffic_source,
        traffic_medium,
        traffic_campaign,
        sum(credit) as attributed_conversions,
        sum(credit * goal_value) as attributed_value,
        cast(count(*) as {{ dbt.type_bigint() }}) as credited_sessions
    from credits
    group by macro_goal_id, attribution_model, traffic_source, traffic_medium, traffic_campaign

)

select * from final
