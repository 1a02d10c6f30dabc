{#-
    Business rule: the device category of an event. Default: the tracker's value, lower-cased;
    where it is missing, derived from the user agent (tablet, mobile, else desktop; 'unknown'
    without a user agent).
-#}
{% macro device_category(device_category, user_agent) -%}
    {#- A unit test checks the package's own rule, whatever a host project overrides. -#}
    {%- if micro_conversions.in_unit_test() -%}
        {{ return(micro_conversions.default__device_category(device_category, user_agent)) }}
    {%- endif -%}
    {{ return(adapter.dispatch('device_category', 'micro_conversions')(device_category, user_agent)) }}
{%- endmacro %}

{% macro default__device_category(device_category, user_agent) -%}
    case
        when {{ device_category }} is not null then lower({{ device_category }})
        when {{ user_agent }} is null then 'unknown'
        when {{ micro_conversions.regexp_matches(user_agent, "'ipad|tablet|kindle|silk'", case_insensitive=true) }} then 'tablet'
        when {{ micro_conversions.regexp_matches(user_agent, "'mobi|iphone|ipod|android|phone'", case_insensitive=true) }} then 'mobile'
        else 'desktop'
    end
{%- endmacro %}
