{#-
    Business rule: is a session engaged? Default (README "Sessions"): it lasted at least
    `micro_conversions__engaged_min_seconds` (10), or had at least
    `micro_conversions__engaged_min_page_views` (2) page views, or reached any non-experimental goal.
-#}
{% macro is_engaged(duration_seconds, page_views, goals_reached) -%}
    {#- A unit test checks the package's own rule, whatever a host project overrides. -#}
    {%- if micro_conversions.in_unit_test() -%}
        {{ return(micro_conversions.default__is_engaged(duration_seconds, page_views, goals_reached)) }}
    {%- endif -%}
    {{ return(adapter.dispatch('is_engaged', 'micro_conversions')(duration_seconds, page_views, goals_reached)) }}
{%- endmacro %}

{% macro default__is_engaged(duration_seconds, page_views, goals_reached) -%}
    (
        {{ duration_seconds }} >= {{ micro_conversions.setting('micro_conversions__engaged_min_seconds') }}
        or {{ page_views }} >= {{ micro_conversions.setting('micro_conversions__engaged_min_page_views') }}
        or {{ goals_reached }} > 0
    )
{%- endmacro %}
