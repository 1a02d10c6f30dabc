{#-
    Business rule: is this event from a bot? Default: the user agent matches the regular
    expression in var `micro_conversions__bot_user_agent_regex` (case-insensitive).
    Override by dispatch (see README, "Changing the rules").
-#}
{% macro is_bot(user_agent) -%}
    {#- A unit test checks the package's own rule, whatever a host project overrides. -#}
    {%- if micro_conversions.in_unit_test() -%}
        {{ return(micro_conversions.default__is_bot(user_agent)) }}
    {%- endif -%}
    {{ return(adapter.dispatch('is_bot', 'micro_conversions')(user_agent)) }}
{%- endmacro %}

{% macro default__is_bot(user_agent) -%}
    coalesce({{ micro_conversions.regexp_matches(user_agent, "'" ~ micro_conversions.setting('micro_conversions__bot_user_agent_regex') ~ "'", case_insensitive=true) }}, false)
{%- endmacro %}
