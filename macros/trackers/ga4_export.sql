{#-
    The GA4 BigQuery export (one row per event, nested `event_params`, `device`, `ecommerce`
    structs), as it lands in a warehouse table. Every event row is kept, GA4's automatic
    `session_start`, `first_visit` and `user_engagement` too, so sessions are counted over all
    events. The export has no event id: it is an MD5 of the visitor, the microsecond timestamp, the
    event name and its parameters, so an identical row exported twice is one event (its copy
    counts as a duplicate). `ga_session_id` is the tracker session id. Revenue: `ecommerce.<micro_conversions__ga4_revenue_column>`
    (`purchase_revenue_in_usd` by default). Read with DuckDB's nested types; on other engines load
    the export flattened into the contract (README "Your tracker").
-#}
{% macro tracker_format__ga4_export(relation) -%}
    {{ return(adapter.dispatch('tracker_format__ga4_export', 'micro_conversions')(relation)) }}
{%- endmacro %}

{% macro default__tracker_format__ga4_export(relation) -%}
    {{ exceptions.raise_compiler_error(
        'The GA4 export format (nested event_params) is read on DuckDB; on ' ~ target.type ~ ', flatten the'
        ~ ' export into the raw event contract and keep micro_conversions__raw_events_format: contract'
        ~ ' (README "Your tracker").') }}
{%- endmacro %}

{% macro duckdb__tracker_format__ga4_export(relation) -%}
    {%- set revenue_column = micro_conversions.setting('micro_conversions__ga4_revenue_column') -%}
    {%- if revenue_column not in ['purchase_revenue_in_usd', 'purchase_revenue'] -%}
        {{ exceptions.raise_compiler_error(
            "micro_conversions__ga4_revenue_column is '" ~ revenue_column
            ~ "': it must be purchase_revenue_in_usd or purchase_revenue.") }}
    {%- endif -%}
    {{ return(micro_conversions.tracker_select(relation, {
        'event_id': "md5(concat_ws('|', user_pseudo_id, cast(event_timestamp as varchar), event_name, "
            ~ "coalesce(cast(event_params as varchar), '')))",
        'event_at': 'make_timestamp(cast(event_timestamp as bigint))',
        'visitor_id': 'user_pseudo_id',
        'user_id': 'user_id',
        'event_name': 'event_name',
        'page_url': micro_conversions.ga4_param('page_location'),
        'referrer_url': micro_conversions.ga4_param('page_referrer'),
        'device_category': 'device.category',
        'revenue': 'ecommerce.' ~ revenue_column,
        'percent_scrolled': micro_conversions.ga4_param('percent_scrolled'),
        'tracker_session_id': micro_conversions.ga4_param('ga_session_id'),
    }, {
        'ga_session_number': micro_conversions.ga4_param('ga_session_number'),
        'ga_source': micro_conversions.ga4_param('source'),
        'ga_medium': micro_conversions.ga4_param('medium'),
        'ga_campaign': micro_conversions.ga4_param('campaign'),
    })) }}
{%- endmacro %}

{#- A GA4 event parameter as text, whichever of its value fields is set (DuckDB). -#}
{% macro ga4_param(key) -%}
    {%- set value = "list_extract(list_filter(event_params, p -> p.key = '" ~ key ~ "'), 1).value" -%}
    coalesce(
        {{ value }}.string_value,
        cast({{ value }}.int_value as varchar),
        cast({{ value }}.double_value as varchar),
        cast({{ value }}.float_value as varchar)
    )
{%- endmacro %}
