{%- set unit = micro_conversions.incremental_by('visitor_id') %}
{#- Runs after int_sessions_replaced_this_run, which reads this model's rows before they are
    rewritten (for the daily goal reports, models/state/int_session_dates_this_run.sql). -#}
{%- if not execute %}{% do ref('int_sessions_replaced_this_run') %}{% endif %}
{#- Incremental by visitor (see macros/incremental). -#}
with

sessions as (

    select * from {{ ref('int_sessions_aggregated') }}
    where {{ micro_conversions.is_affected('visitor_id', unit) }}

),

completions as (

    select * from {{ ref('int_goal_completions') }}
    where {{ micro_conversions.is_affected('visitor_id', unit) }}

),

intents as (

    select * from {{ ref('int_sessions_intent_classified') }}
    where {{ micro_conversions.is_affected('visitor_id', unit) }}

),

-- Experimental goals are reported in their own rows, never in headline figures. The completions
-- hold one row per session x goal (their grain), so counting rows counts distinct goals.
session_goals as (

    select
        session_id,
        count(case when goal_kind = 'micro' then 1 end) as micro_conversions,
        count(case when goal_kind = 'macro' then 1 end) as macro_conversions,
        sum(goal_value) as goal_value
    from completions
    where not is_experimental
    group by session_id

),

final as (

    select
        sessions.session_id,
        sessions.visitor_id,
        sessions.user_id,
        sessions.session_number,
        sessions.session_start_at,
        sessions.session_end_at,
        sessions.duration_seconds,
        sessions.page_views,
        sessions.event_count,
        sessions.landing_page_path,
        sessions.exit_page_path,
        sessions.channel,
        sessions.traffic_source,
        sessions.traffic_medium,
        sessions.traffic_campaign,
        sessions.device_category,
        sessions.event_count = 1 as is_bounce,
        {{ micro_conversions.is_engaged(
            'sessions.duration_seconds',
            'sessions.page_views',
            'coalesce(session_goals.micro_conversions + session_goals.macro_conversions, 0)'
        ) }} as is_engaged,
        intents.intent,
        intents.counts_toward_conversion_rate,
        cast(coalesce(session_goals.micro_conversions, 0) as {{ dbt.type_int() }}) as micro_conversions,
        cast(coalesce(session_goals.macro_conversions, 0) as {{ dbt.type_int() }}) as macro_conversions,
        cast(coalesce(session_goals.goal_value, 0) as {{ micro_conversions.type_money() }}) as goal_value,
        {{ micro_conversions.processed_at() }} as processed_at
    from sessions
    left join session_goals
        on sessions.session_id = session_goals.session_id
    left join intents
        on sessions.session_id = intents.session_id

)

select * from final
