{#-
    Credits of each macro conversion to the touches before it, one row per conversion x
    attribution model x credited touch. A conversion is a row of fct_goal_completions for a macro
    goal (a session x macro goal, at its first completion, worth its goal_value). Its touches are
    the person's sessions (stitched user id, else visitor id) that started at most
    `micro_conversions__attribution_lookback_days` days before the conversion and not after it;
    the converting session is always one. Touches are ordered by start, ties by session_id.

    first_touch      1 to the first touch
    last_touch       1 to the last touch (the converting session, unless another started later
                     but before the conversion)
    last_non_direct  1 to the last touch whose channel is not Direct; all Direct: the last touch
    linear           1/n to each of n touches
    position_based   n = 1: 1; n = 2: 1/2 each; else 0.4 first, 0.4 last, 0.2/(n-2) each other
    time_decay       2^(-age/h) / sum of the same over the touches, age = days from the touch's
                     start to the conversion, h = `micro_conversions__attribution_half_life_days`

    Every model's credits of one conversion sum to 1 (a data test checks the marts' totals).
-#}
{% macro attribution_credits(sessions_relation, completions_relation) -%}
    {%- set lookback_seconds = micro_conversions.setting('micro_conversions__attribution_lookback_days') * 86400 -%}
    {%- set half_life_days = micro_conversions.setting('micro_conversions__attribution_half_life_days') -%}
    with

    sessions as (

        select
            session_id,
            coalesce(user_id, visitor_id) as person_id,
            session_start_at,
            channel,
            coalesce(traffic_source, '(none)') as traffic_source,
            coalesce(traffic_medium, '(none)') as traffic_medium,
            coalesce(traffic_campaign, '(none)') as traffic_campaign
        from {{ sessions_relation }}

    ),

    conversions as (

        select
            completions.session_id as conversion_session_id,
            completions.goal_id as macro_goal_id,
            completions.first_completed_at as converted_at,
            completions.goal_value,
            sessions.person_id
        from {{ completions_relation }} as completions
        inner join sessions
            on completions.session_id = sessions.session_id
        where completions.goal_kind = 'macro'

    ),

    touches as (

        select
            conversions.conversion_session_id,
            conversions.macro_goal_id,
            conversions.goal_value,
            sessions.session_id as touch_session_id,
            sessions.session_start_at,
            sessions.channel,
            sessions.traffic_source,
            sessions.traffic_medium,
            sessions.traffic_campaign,
            {{ micro_conversions.seconds_between('sessions.session_start_at', 'conversions.converted_at') }}
            / 86400.0 as age_days
        from conversions
        inner join sessions
            on conversions.person_id = sessions.person_id
        where
            sessions.session_id = conversions.conversion_session_id
            or (
                sessions.session_start_at <= conversions.converted_at
                and {{ micro_conversions.seconds_between('sessions.session_start_at', 'conversions.converted_at') }}
                <= {{ lookback_seconds }}
            )

    ),

    numbered as (

        select
            *,
            row_number() over (
                partition by conversion_session_id, macro_goal_id
                order by session_start_at, touch_session_id
            ) as touch_number,
            count(*) over (partition by conversion_session_id, macro_goal_id) as touch_count,
            min(age_days) over (partition by conversion_session_id, macro_goal_id) as youngest_age_days
        from touches

    ),

    -- 2^(-age/h), scaled by 2^(youngest age/h) so the youngest touch weighs 1 (the shares are
    -- the same) and no weight underflows to an error or a 0/0.
    weighted as (

        select
            *,
            case
                when (age_days - youngest_age_days) / {{ half_life_days }} > 1000 then 0.0
                else power(2.0, -(age_days - youngest_age_days) / {{ half_life_days }})
            end as decay_weight
        from numbered

    ),

    positioned as (

        select
            *,
            max(case when channel != 'Direct' then touch_number end) over (
                partition by conversion_session_id, macro_goal_id
            ) as last_non_direct_number,
            sum(decay_weight) over (partition by conversion_session_id, macro_goal_id) as decay_weight_total
        from weighted

    ),

    credits as (

        {% for model_name, credit in [
            ('first_touch', 'case when touch_number = 1 then 1.0 else 0.0 end'),
            ('last_touch', 'case when touch_number = touch_count then 1.0 else 0.0 end'),
            ('last_non_direct',
                'case when touch_number = coalesce(last_non_direct_number, touch_count) then 1.0 else 0.0 end'),
            ('linear', '1.0 / touch_count'),
            ('position_based',
                'case when touch_count = 1 then 1.0 when touch_count = 2 then 0.5'
                ~ ' when touch_number = 1 or touch_number = touch_count then 0.4'
                ~ ' else 0.2 / (touch_count - 2) end'),
            ('time_decay', 'decay_weight / decay_weight_total'),
        ] %}
        select
            conversion_session_id,
            macro_goal_id,
            goal_value,
            '{{ model_name }}' as attribution_model,
            touch_session_id,
            channel,
            traffic_source,
            traffic_medium,
            traffic_campaign,
            cast({{ credit }} as {{ micro_conversions.type_double() }}) as credit
        from positioned
        {% if not loop.last %}union all{% endif %}
        {% endfor %}

    )

    select * from credits
    where credit > 0
{%- endmacro %}

{#- The attribution marts: credits summed per macro goal x model x `dimensions` (touch columns). -#}
{% macro attribution_report(dimensions) -%}
    with

    credits as (

        {{ micro_conversions.attribution_credits(ref('fct_sessions'), ref('fct_goal_completions')) }}

    ),

    final as (

        select
            macro_goal_id,
            attribution_model,
            {%- for column in dimensions %}
            {{ column }},
            {%- endfor %}
            sum(credit) as attributed_conversions,
            sum(credit * goal_value) as attributed_value,
            cast(count(*) as {{ dbt.type_bigint() }}) as credited_sessions
        from credits
        group by macro_goal_id, attribution_model{% for column in dimensions %}, {{ column }}{% endfor %}

    )

    select * from final
{%- endmacro %}
