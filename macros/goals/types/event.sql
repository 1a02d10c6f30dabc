{#- `event`: reached by each event named `event_name` (on a page matching `page_path_regex`, when given). -#}
{% macro goal_type__event() -%}
    {{ return({
        'name': 'event',
        'matched_per': 'event',
        'checks': [
            {'when': micro_conversions.config_key('event_name') ~ ' is null',
             'message': 'an event goal needs event_name'},
        ],
    }) }}
{%- endmacro %}
