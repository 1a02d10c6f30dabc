{%- set unit = micro_conversions.incremental_by('visitor_id') %}
{#- Incremental by visitor (see macros/incremental): a visitor's row is rebuilt when its sessions are. -#}
with

sessions as (

    select * from {{ ref('fct_sessions') }}
    where {{ micro_conversions.is_affected('visitor_id', unit) }}

),

visitor_goals as (

    select * from {{ ref('int_visitor_goals_aggregated') }}
    where {{ micro_conversions.is_affected('visitor_id', unit) }}

),

goals as (

    select * from {{ ref('stg_goals') }}

),

segment_rules as (

    select * from {{ ref('stg_visitor_segments') }}

),

visitors as (

    select
        visitor_id,
        min(user_id) as user_id,
        min(session_start_at) as first_seen_at,
        max(session_end_at) as last_seen_at,
        cast(count(*) as {{ dbt.type_bigint() }}) as sessions,
        cast(sum(page_views) as {{ dbt.type_bigint() }}) as page_views,
        cast(sum(event_count) as {{ dbt.type_bigint() }}) as events,
        cast(sum(macro_conversions) as {{ dbt.type_bigint() }}) as macro_conversions,
        max(case when session_number = 1 then channel end) as first_touch_channel,
        max(case when session_number = 1 then traffic_source end) as first_touch_source,
        max(case when session_number = 1 then traffic_medium end) as first_touch_medium,
        max(case when session_number = 1 then traffic_campaign end) as first_touch_campaign,
        max(case when session_number = 1 then device_category end) as first_device_category,
        -- The visitor's intent when every session had the same one, else null (no session
        -- without one, and the smallest equal to the largest: no distinct count needed).
        case when min(intent) = max(intent) and count(intent) = count(*) then min(intent) end as only_intent
    from sessions
    group by visitor_id

),

visitor_micro_goals as (

    select
        visitor_goals.visitor_id,
        count(*) as micro_goals_reached
    from visitor_goals
    inner join goals
        on visitor_goals.goal_id = goals.goal_id
    where goals.goal_kind = 'micro'
        and not goals.is_experimental
    group by visitor_goals.visitor_id

),

profiles as (

    select
        visitors.*,
        coalesce(visitor_micro_goals.micro_goals_reached, 0) as micro_goals_reached
    from visitors
    left join visitor_micro_goals
        on visitors.visitor_id = visitor_micro_goals.visitor_id

),

-- Every rule whose conditions all hold; the one with the lowest priority number wins.
matching_segments as (

    select
        profiles.visitor_id,
        segment_rules.segment,
        row_number() over (partition by profiles.visitor_id order by segment_rules.priority) as rule_rank
    from profiles
    cross join segment_rules
    left join visitor_goals as required_goals
        on profiles.visitor_id = required_goals.visitor_id
            and segment_rules.required_goal_id = required_goals.goal_id
    where (segment_rules.converted is null or segment_rules.converted = (profiles.macro_conversions > 0))
        and (segment_rules.required_goal_id is null or required_goals.goal_id is not null)
        and (segment_rules.only_intent is null or segment_rules.only_intent = profiles.only_intent)
        and (segment_rules.min_micro_goals is null or profiles.micro_goals_reached >= segment_rules.min_micro_goals)

),

final as (

    select
        profiles.visitor_id,
        profiles.user_id,
        profiles.first_seen_at,
        profiles.last_seen_at,
        profiles.sessions,
        profiles.sessions > 1 as is_returning,
        profiles.page_views,
        profiles.events,
        profiles.first_touch_channel,
        profiles.first_touch_source,
        profiles.first_touch_medium,
        profiles.first_touch_campaign,
        profiles.first_device_category,
        profiles.macro_conversions > 0 as converted,
        cast(profiles.micro_goals_reached as {{ dbt.type_bigint() }}) as micro_goals_reached,
        coalesce(matching_segments.segment, 'unsegmented') as segment,
        {{ micro_conversions.processed_at() }} as processed_at
    from profiles
    left join matching_segments
        on profiles.visitor_id = matching_segments.visitor_id
            and matching_segments.rule_rank = 1

)

select * from final
