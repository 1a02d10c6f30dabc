{#- One row per visitor segment (grain: segment), including segments no visitor is in. -#}
with

visitors as (

    select * from {{ ref('dim_visitors') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

segment_rules as (

    select * from {{ ref('stg_visitor_segments') }}

),

segments as (

    select
        segment,
        priority,
        description
    from segment_rules
    union all
    select
        'unsegmented' as segment,
        cast(null as {{ dbt.type_int() }}) as priority,
        'No rule matched' as description

),

visitor_totals as (

    select
        visitors.segment,
        count(*) as visitors,
        sum(case when visitors.converted then 1 else 0 end) as converting_visitors,
        sum(visitors.sessions) as sessions,
        sum(visitors.micro_goals_reached) as micro_goals_reached
    from visitors
    group by visitors.segment

),

session_totals as (

    select
        visitors.segment,
        sum(sessions.macro_conversions) as macro_conversions,
        sum(sessions.micro_conversions) as micro_conversions,
        sum(sessions.goal_value) as goal_value
    from sessions
    inner join visitors
        on sessions.visitor_id = visitors.visitor_id
    group by visitors.segment

),

final as (

    select
        segments.segment,
        cast(segments.priority as {{ dbt.type_int() }}) as priority,
        segments.description,
        cast(coalesce(visitor_totals.visitors, 0) as {{ dbt.type_bigint() }}) as visitors,
        cast(coalesce(visitor_totals.converting_visitors, 0) as {{ dbt.type_bigint() }}) as converting_visitors,
        {{ micro_conversions.rate_columns(
            'visitor_conversion_rate', 'coalesce(visitor_totals.converting_visitors, 0)',
            'coalesce(visitor_totals.visitors, 0)') }},
        cast(coalesce(visitor_totals.sessions, 0) as {{ dbt.type_bigint() }}) as sessions,
        {{ micro_conversions.safe_ratio('visitor_totals.micro_goals_reached', 'visitor_totals.visitors') }} as micro_goals_per_visitor,
        cast(coalesce(session_totals.micro_conversions, 0) as {{ dbt.type_bigint() }}) as micro_conversions,
        cast(coalesce(session_totals.macro_conversions, 0) as {{ dbt.type_bigint() }}) as macro_conversions,
        cast(coalesce(session_totals.goal_value, 0) as {{ micro_conversions.type_money() }}) as goal_value
    from segments
    left join visitor_totals
        on segments.segment = visitor_totals.segment
    left join session_totals
        on segments.segment = session_totals.segment

)

select * from final
