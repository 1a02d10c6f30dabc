{#- `destination`: reached by each page view whose path matches `page_path_regex`. -#}
{% macro goal_type__destination() -%}
    {{ return({
        'name': 'destination',
        'matched_per': 'event',
        'event_name': 'page_view',
        'checks': [
            {'when': micro_conversions.config_text('page_path_regex') ~ ' is null',
             'message': 'a destination goal needs page_path_regex'},
        ],
    }) }}
{%- endmacro %}
