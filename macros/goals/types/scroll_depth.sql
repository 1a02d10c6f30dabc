{#-
    `scroll_depth`: reached by each event reporting that the reader scrolled at least `threshold`
    percent of the page (`percent_scrolled` >= threshold), named `event_name` (default `scroll`,
    the event GA4 sends at 90%) and on a page matching `page_path_regex` when given.
-#}
{% macro goal_type__scroll_depth() -%}
    {{ return({
        'name': 'scroll_depth',
        'matched_per': 'event',
        'default_event_name': 'scroll',
        'condition': 'events.percent_scrolled >= goals.threshold',
        'checks': [
            {'when': 'not coalesce(' ~ micro_conversions.safe_cast_number('threshold') ~ ' > 0 and '
                ~ micro_conversions.safe_cast_number('threshold') ~ ' <= 100, false)',
             'message': 'a scroll_depth goal needs a threshold above 0 and at most 100 (percent)'},
        ],
    }) }}
{%- endmacro %}
