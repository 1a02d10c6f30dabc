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

events as (

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
        'events', 'rules', 'rule_paths', 'rule_id', ['session_id'], any_event_when_unnamed=true
    ) }}

),

session_matches as (

    select distinct
        candidates.session_id,
        rules.intent,
        rules.priority,
        rules.counts_toward_conversion_rate
    from candidates
    inner join rules
        on candidates.rule_id = rules.rule_id

),

ranked as (

    select
        *,
        row_number() over (partition by session_id order by priority, intent) as intent_rank
    from session_matches

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
        coalesce(ranked.intent, '{{ micro_conversions.setting('micro_conversions__default_intent') }}') as intent,
        coalesce(ranked.counts_toward_conversion_rate, true) as counts_toward_conversion_rate,
        {{ micro_conversions.processed_at() }} as processed_at
    from sessions
    left join ranked
        on sessions.session_id = ranked.session_id
            and ranked.intent_rank = 1

)

select * from final
