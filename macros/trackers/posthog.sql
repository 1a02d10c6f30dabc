{#-
    PostHog's events table: `uuid`, `timestamp`, `distinct_id`, `event`, and `properties` (JSON)
    with `$current_url`, `$referrer`, `$device_type`, `$raw_user_agent` and a `revenue` property.
    `$pageview` becomes `page_view` (the other `$` events keep their names). PostHog has no
    separate user id in the event: `distinct_id` is the visitor; no load watermark either.
-#}
{% macro tracker_format__posthog(relation) -%}
    {{ return(micro_conversions.tracker_select(relation, {
        'event_id': 'uuid',
        'event_at': '"timestamp"',
        'visitor_id': 'distinct_id',
        'event_name': "case when event = '$pageview' then 'page_view' else event end",
        'page_url': micro_conversions.json_text('properties', '$current_url'),
        'referrer_url': micro_conversions.json_text('properties', '$referrer'),
        'user_agent': micro_conversions.json_text('properties', '$raw_user_agent'),
        'device_category': 'lower(' ~ micro_conversions.json_text('properties', '$device_type') ~ ')',
        'revenue': micro_conversions.json_text('properties', 'revenue'),
    })) }}
{%- endmacro %}
