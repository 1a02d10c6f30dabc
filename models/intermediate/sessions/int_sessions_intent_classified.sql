{%- set unit = micro_conversions.incremental_by('visitor_id') %}
{#- Incremental by visitor (see macros/incremental): a view would match every event again for
    each reader and each data test, a table on every run. -#}
{#-
    One row per session (grain: session_id) with its intent: of the `session_intents` rules that
    some event of the session matches, the one with the lowest priority number (ties: intent
    name). A rule matches an event when its `event_name` (if given) equals the event's and its
    `page_path_regex` (if given) matches the page path. A session no rule matches gets
    `micro_conversions__default_intent`, which counts toward the conversion rate.
-#}
with

-- Inlined into each of its readers, which read only their own columns (no copy of every event held).
events as {{ micro_conversions.cte_materialization(false) }} (

    select * from {{ ref('int_events_sessionized') }}
    where {{ micro_conversions.is_affected('visitor_id', unit) }}

),

rules as (

    select * from {{ ref('stg_session_intents') }}

),

rule_paths as (

    {{ micro_conversions.page_paths_matching('rules', 'rule_id', 'page_path_regex', 'events') }}

),

candidates as (

    {{ micro_conversions.events_matching_rules(
        'events', 'rules', 'rule_paths', 'rule_id', ['session_id'], any_event_when_unnamed=true,
        rules_model='stg_session_intents'
    ) }}

),

-- The rules in order of precedence: lowest priority number first, then intent name (an intent's
-- rules agree on counts_toward_conversion_rate: a configuration test says so).
rule_ranks as (

    select
        rule_id,
        intent,
        counts_toward_conversion_rate,
        dense_rank() over (order by priority, intent, counts_toward_conversion_rate) as intent_rank
    from rules

),

-- Each session's first rule in that order: one aggregate over the matches, no sort per session.
session_best as (

    select
        candidates.session_id,
        min(rule_ranks.intent_rank) as intent_rank
    from candidates
    inner join rule_ranks
        on candidates.rule_id = rule_ranks.rule_id
    group by candidates.session_id

),

intents as (

    select distinct
        intent_rank,
        intent,
        counts_toward_conversion_rate
    from rule_ranks

),

sessions as (

    select distinct
        session_id,
        visitor_id
    from events

),

final as (

    select
        sessions.session_id,
        sessions.visitor_id,
        coalesce(intents.intent, '{{ micro_conversions.setting('micro_conversions__default_intent') }}') as intent,
        coalesce(intents.counts_toward_conversion_rate, true) as counts_toward_conversion_rate,
        {{ micro_conversions.processed_at() }} as processed_at
    from sessions
    left join session_best
        on sessions.session_id = session_best.session_id
    left join intents
        on session_best.intent_rank = intents.intent_rank

)

select * from final
