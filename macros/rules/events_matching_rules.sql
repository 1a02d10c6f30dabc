{#-
    Events matching configuration rules (goals, intent rules): the one place a rule's event_name
    and page_path_regex are matched. An event matches a rule when its event_name equals the rule's
    and its page path is one of the rule's matching paths (when the rule has a regex), and
    `condition` (SQL over `events` and the rules CTE by its name) holds.

    - events, rules, rule_paths: CTE names; `rule_paths` holds (rule_key, page_path) for the
      paths matching each rule's regex (macro page_paths_matching: each regex runs once per
      distinct path, not once per event).
    - columns: event columns to select, besides the rule key.
    - any_event_when_unnamed: a rule without event_name applies to every event (intent rules).
      Named rules still join on the name (an equi-join); the unnamed ones are a separate branch.
-#}
{% macro events_matching_rules(events, rules, rule_paths, rule_key, columns, condition=none, any_event_when_unnamed=false) -%}
    {%- set branches = [rules ~ '.event_name = ' ~ events ~ '.event_name'] -%}
    {%- if any_event_when_unnamed -%}
        {%- do branches.append(rules ~ '.event_name is null') -%}
    {%- endif -%}
    {%- for branch in branches %}
    select
        {%- for column in columns %}
        {{ events }}.{{ column }},
        {%- endfor %}
        {{ rules }}.{{ rule_key }}
    from {{ events }}
    {%- if loop.first %}
    inner join {{ rules }}
        on {{ branch }}
    {%- else %}
    cross join {{ rules }}
    {%- endif %}
    left join {{ rule_paths }}
        on {{ rules }}.{{ rule_key }} = {{ rule_paths }}.{{ rule_key }}
            and {{ events }}.page_path = {{ rule_paths }}.page_path
    where ({{ rules }}.page_path_regex is null or {{ rule_paths }}.{{ rule_key }} is not null)
        {%- if not loop.first %}
        and {{ branch }}
        {%- endif %}
        {%- if condition %}
        and {{ condition }}
        {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
