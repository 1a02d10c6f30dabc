{#-
    Business rule: the channel of each (traffic_source, traffic_medium) pair. `pairs` names a CTE
    or relation with those two columns; the result is a select with the same two columns and
    `channel`, one row per pair that some rule matches. Default: the rule of the `channel_rules`
    seed with the lowest priority whose regular expressions both match (an empty regex matches
    anything; matching ignores case). A pair no rule matches gets no row (reported 'Unassigned').
-#}
{% macro classify_channels(pairs) -%}
    {#- A unit test checks the package's own rule, whatever a host project overrides. -#}
    {%- if micro_conversions.in_unit_test() -%}
        {{ return(micro_conversions.default__classify_channels(pairs)) }}
    {%- endif -%}
    {{ return(adapter.dispatch('classify_channels', 'micro_conversions')(pairs)) }}
{%- endmacro %}

{% macro default__classify_channels(pairs) -%}
    select
        traffic_source,
        traffic_medium,
        channel
    from (
        select
            pairs.traffic_source,
            pairs.traffic_medium,
            rules.channel,
            row_number() over (
                partition by pairs.traffic_source, pairs.traffic_medium
                order by {{ micro_conversions.config_number('rules.priority', dbt.type_int()) }}
            ) as rule_rank
        from {{ pairs }} as pairs
        inner join {{ micro_conversions.config_relation('channel_rules', 'rules') }}
            on (
                rules.source_regex is null
                or {{ micro_conversions.regexp_matches('pairs.traffic_source', 'rules.source_regex', case_insensitive=true) }}
            )
            and (
                rules.medium_regex is null
                or {{ micro_conversions.regexp_matches('pairs.traffic_medium', 'rules.medium_regex', case_insensitive=true) }}
            )
    ) as ranked
    where rule_rank = 1
{%- endmacro %}
