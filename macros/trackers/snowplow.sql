{#-
    Snowplow's `atomic.events`: `event_id`, `derived_tstamp` (the event's time corrected for the
    device clock), `domain_userid` (the first-party cookie), `user_id`, `event_name`, `page_url`,
    `page_referrer`, `useragent`, `tr_total` (a transaction's total), `load_tstamp` (the load
    watermark), `domain_sessionid` (the tracker's session id).
-#}
{% macro tracker_format__snowplow(relation) -%}
    {{ return(micro_conversions.tracker_select(relation, {
        'event_id': 'event_id',
        'event_at': 'derived_tstamp',
        'visitor_id': 'domain_userid',
        'user_id': 'user_id',
        'event_name': 'event_name',
        'page_url': 'page_url',
        'referrer_url': 'page_referrer',
        'user_agent': 'useragent',
        'revenue': 'tr_total',
        'loaded_at': 'load_tstamp',
        'tracker_session_id': 'domain_sessionid',
    })) }}
{%- endmacro %}
