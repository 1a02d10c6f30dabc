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
    - rules_model (optional): the staged model the rules come from, and `rules_where` a condition
      on its rows selecting those rules. Given, only the branches whose kind of rule the
      configuration has are compiled (macro configured_rule_kinds): a branch without rules
      returns nothing but still reads every event.
-#}
{% macro events_matching_rules(
    events, rules, rule_paths, rule_key, columns, condition=none, any_event_when_unnamed=false,
    rules_model=none, rules_where=none
) -%}
    {#-
        Four disjoint branches, each one equi-join whose build side is the (small) rule list:
        named rules without a regex join on the event name; named rules with one join on the event
        name and the page path together, against their list of matching paths (a page view never
        meets a rule whose paths it is not on); unnamed rules (when they apply to every event) are
        a cross join, or a join on the page path alone.
    -#}
    {%- set branches = [{'named': true, 'regex': false}, {'named': true, 'regex': true}] -%}
    {%- if any_event_when_unnamed -%}
        {%- do branches.extend([{'named': false, 'regex': false}, {'named': false, 'regex': true}]) -%}
    {%- endif -%}
    {%- if rules_model -%}
        {%- set kinds = micro_conversions.configured_rule_kinds(rules_model, rules_where) -%}
        {%- set configured = [] -%}
        {%- for branch in branches if kinds is none or (branch.named, branch.regex) in kinds -%}
            {%- do configured.append(branch) -%}
        {%- endfor -%}
        {#- No rule at all: the first branch alone, which then returns no rows. -#}
        {%- set branches = configured if configured else branches[:1] -%}
    {%- endif -%}
    {%- for branch in branches %}
    select
        {%- for column in columns %}
        {{ events }}.{{ column }},
        {%- endfor %}
        {{ rules }}.{{ rule_key }}
    from {{ events }}
    {%- if branch.regex %}
    inner join (
        select
            {{ rules }}.*,
            {{ rule_paths }}.page_path as matched_page_path
        from {{ rules }}
        inner join {{ rule_paths }}
            on {{ rules }}.{{ rule_key }} = {{ rule_paths }}.{{ rule_key }}
        where {{ rules }}.event_name is {{ 'not ' if branch.named else '' }}null
    ) as {{ rules }}
        on {{ events }}.page_path = {{ rules }}.matched_page_path
        {%- if branch.named %}
            and {{ events }}.event_name = {{ rules }}.event_name
        {%- endif %}
    where 1 = 1
    {%- elif branch.named %}
    inner join {{ rules }}
        on {{ events }}.event_name = {{ rules }}.event_name
    where {{ rules }}.page_path_regex is null
    {%- else %}
    cross join {{ rules }}
    where {{ rules }}.event_name is null
        and {{ rules }}.page_path_regex is null
    {%- endif %}
        {%- if condition %}
        and {{ condition }}
        {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#-
    The kinds of rule the staged model `rules_model` holds (the rows where `rules_where` holds,
    when given): a list of (has event_name, has page_path_regex) pairs, read from the built model
    when the calling model runs. None (every kind) at parse time, in unit tests and before the
    model is built. Which branches run never changes a result, only what is read: a run compiles
    against the configuration it stages.
-#}
{% macro configured_rule_kinds(rules_model, rules_where=none) -%}
    {%- if not execute or micro_conversions.in_unit_test() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set relation = micro_conversions.built_relation(rules_model) -%}
    {%- if relation is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set kinds = [] -%}
    {%- for row in run_query(
        'select distinct case when event_name is null then 0 else 1 end, case when page_path_regex is null then 0 else 1 end'
        ~ ' from ' ~ relation ~ (' where ' ~ rules_where if rules_where else '')).rows -%}
        {%- do kinds.append((row[0] == 1, row[1] == 1)) -%}
    {%- endfor -%}
    {{ return(kinds) }}
{%- endmacro %}
