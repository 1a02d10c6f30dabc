{#- A UTC timestamp (without time zone) as wall-clock time in `time_zone` (an IANA name). -#}
{% macro to_local_timestamp(utc_timestamp, time_zone) -%}
    {#- In UTC the local time is the UTC time: no conversion per row (it costs a time zone lookup each). -#}
    {%- if time_zone in ['UTC', 'Etc/UTC'] -%}
        {{ return(utc_timestamp) }}
    {%- endif -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'micro_conversions')(utc_timestamp, time_zone)) }}
{%- endmacro %}

{% macro default__to_local_timestamp(utc_timestamp, time_zone) -%}
    cast(({{ utc_timestamp }} at time zone 'UTC') at time zone '{{ time_zone }}' as timestamp)
{%- endmacro %}

{% macro spark__to_local_timestamp(utc_timestamp, time_zone) -%}
    from_utc_timestamp({{ utc_timestamp }}, '{{ time_zone }}')
{%- endmacro %}
