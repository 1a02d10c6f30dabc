{#-
    Tracker adapters: `micro_conversions__raw_events_format` names the schema the relation in
    `micro_conversions__raw_events_relation` is written in. `contract` (the default) is the raw
    event contract itself; every other format is mapped onto the contract by the view
    `stg_tracker_events`, one macro per format (`tracker_format__<name>`, in this folder; RudderStack
    writes Segment's columns and shares its macro), which
    returns a select of the contract's columns, plus the tracker's own columns worth keeping
    (passed through like any extra raw column). README "Your tracker" documents each mapping.
-#}
{% macro tracker_formats() -%}
    {{ return({
        'ga4_export': micro_conversions.tracker_format__ga4_export,
        'segment': micro_conversions.tracker_format__segment,
        'rudderstack': micro_conversions.tracker_format__segment,
        'snowplow': micro_conversions.tracker_format__snowplow,
        'posthog': micro_conversions.tracker_format__posthog,
    }) }}
{%- endmacro %}

{#- The configured format, checked: `contract` or one of tracker_formats(). -#}
{% macro raw_events_format() -%}
    {%- set name = micro_conversions.setting('micro_conversions__raw_events_format') -%}
    {%- set known = ['contract'] + (micro_conversions.tracker_formats().keys() | sort) -%}
    {%- if name not in known -%}
        {{ exceptions.raise_compiler_error(
            "micro_conversions__raw_events_format is '" ~ name ~ "': it must be one of " ~ known | join(', ')
            ~ ' (README "Your tracker").') }}
    {%- endif -%}
    {{ return(name) }}
{%- endmacro %}

{#- True when the raw events are in a tracker's schema (read through stg_tracker_events). -#}
{% macro reads_tracker_events() -%}
    {{ return(micro_conversions.raw_events_format() != 'contract') }}
{%- endmacro %}

{#- The select mapping the tracker's relation onto the raw event contract. -#}
{% macro tracker_events_sql(relation) -%}
    {%- set format = micro_conversions.raw_events_format() -%}
    {%- if format == 'contract' -%}
        {#- The model is disabled (dbt still renders it while parsing). -#}
        {{ return('select 1 as disabled') }}
    {%- endif -%}
    {%- if not micro_conversions.setting('micro_conversions__raw_events_relation') -%}
        {{ exceptions.raise_compiler_error(
            'micro_conversions__raw_events_format is ' ~ format ~ ': set micro_conversions__raw_events_relation'
            ~ " to the tracker's table (README \"Your tracker\").") }}
    {%- endif -%}
    {{ return(micro_conversions.tracker_formats()[format](relation)) }}
{%- endmacro %}

{#-
    The select a format returns: each contract column from `mapping` (contract column -> SQL
    expression on the tracker's table; a column the tracker lacks is null), as text, then the
    tracker's own columns in `kept` (name -> expression), in that order.
-#}
{% macro tracker_select(relation, mapping, kept={}) -%}
    select
    {%- for column in micro_conversions.raw_event_contract_columns() %}
        cast({{ mapping.get(column, 'null') }} as {{ dbt.type_string() }}) as {{ column }}
        {{- ',' if not loop.last or kept }}
    {%- endfor %}
    {%- for name, expression in kept.items() %}
        cast({{ expression }} as {{ dbt.type_string() }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
    from {{ relation }}
{%- endmacro %}

{#- A text field of a JSON column (`key` taken literally: `$current_url` is one key). -#}
{% macro json_text(column, key) -%}
    {{ return(adapter.dispatch('json_text', 'micro_conversions')(column, key)) }}
{%- endmacro %}

{% macro default__json_text(column, key) -%}
    (cast({{ column }} as jsonb) ->> '{{ key }}')
{%- endmacro %}

{% macro duckdb__json_text(column, key) -%}
    json_extract_string(cast({{ column }} as json), '$."{{ key }}"')
{%- endmacro %}

{% macro spark__json_text(column, key) -%}
    get_json_object({{ column }}, '$.{{ key }}')
{%- endmacro %}
