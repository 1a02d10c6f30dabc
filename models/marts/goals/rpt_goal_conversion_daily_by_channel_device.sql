{%- set unit = micro_conversions.incremental_by('session_date') %}
{#- Incremental by session date (see macros/incremental and int_session_dates_this_run). -#}
{{ micro_conversions.goal_conversion_report(['session_date', 'channel', 'device_category'], unit) }}
