-- Every attribution model credits each conversion exactly once: per macro goal and model, the
-- credited conversions and value of rpt_channel_attribution and of rpt_campaign_attribution sum
-- to the goal's conversions (session x macro goal rows of fct_goal_completions) and their value.
with

conversions as (

    select
        goal_id as macro_goal_id,
        count(*) as conversions,
        sum(goal_value) as conversion_value
    from {{ ref('fct_goal_completions') }}
    where goal_kind = 'macro'
    group by goal_id

),

models as (

    select attribution_model
    from {{ ref('rpt_channel_attribution') }}
    union
    select 'first_touch' as attribution_model
    union
    select 'last_touch' as attribution_model
    union
    select 'last_non_direct' as attribution_model
    union
    select 'linear' as attribution_model
    union
    select 'position_based' as attribution_model
    union
    select 'time_decay' as attribution_model

),

expected as (

    select
        conversions.macro_goal_id,
        models.attribution_model,
        conversions.conversions,
        conversions.conversion_value
    from conversions
    cross join models

),

by_channel as (

    select
        macro_goal_id,
        attribution_model,
        sum(attributed_conversions) as conversions,
        sum(attributed_value) as conversion_value
    from {{ ref('rpt_channel_attribution') }}
    group by macro_goal_id, attribution_model

),

by_campaign as (

    select
        macro_goal_id,
        attribution_model,
        sum(attributed_conversions) as conversions,
        sum(attributed_value) as conversion_value
    from {{ ref('rpt_campaign_attribution') }}
    group by macro_goal_id, attribution_model

),

compared as (

    select
        expected.macro_goal_id,
        expected.attribution_model,
        expected.conversions as expected_conversions,
        by_channel.conversions as channel_conversions,
        by_campaign.conversions as campaign_conversions,
        expected.conversion_value as expected_value,
        by_channel.conversion_value as channel_value,
        by_campaign.conversion_value as campaign_value
    from expected
    left join by_channel
        on
            expected.macro_goal_id = by_channel.macro_goal_id
            and expected.attribution_model = by_channel.attribution_model
    left join by_campaign
        on
            expected.macro_goal_id = by_campaign.macro_goal_id
            and expected.attribution_model = by_campaign.attribution_model

)

select *
from compared
where
    channel_conversions is null
    or campaign_conversions is null
    or abs(channel_conversions - expected_conversions) > 1e-9 * expected_conversions
    or abs(campaign_conversions - expected_conversions) > 1e-9 * expected_conversions
    or abs(channel_value - expected_value) > 1e-9 * (abs(expected_value) + 1)
    or abs(campaign_value - expected_value) > 1e-9 * (abs(expected_value) + 1)
