{#-
    Segment's and RudderStack's warehouse tables: a unified table of tracks and pages (`id`,
    `anonymous_id`, `user_id`, `timestamp`, `event`, `context_page_url`, `context_page_referrer`,
    `context_user_agent`, `received_at`, and the `revenue` property, flattened into a column as
    both tools do). A page call has no `event`: it becomes `page_view`. `received_at` is the
    load watermark. RudderStack writes the same columns.
-#}
{% macro tracker_format__segment(relation) -%}
    {{ return(micro_conversions.tracker_select(relation, {
        'event_id': 'id',
        'event_at': '"timestamp"',
        'visitor_id': 'anonymous_id',
        'user_id': 'user_id',
        'event_name': "coalesce(cast(event as " ~ dbt.type_string() ~ "), 'page_view')",
        'page_url': 'context_page_url',
        'referrer_url': 'context_page_referrer',
        'user_agent': 'context_user_agent',
        'revenue': 'revenue',
        'loaded_at': 'received_at',
    })) }}
{%- endmacro %}
