{#-
    The goal type registry: every goal type the `goals` seed accepts, in one list. Each type is
    one macro in macros/goals/types/ returning a description of the type:

    - name: the `goal_type` value in the goals seed.
    - matched_per: 'event' or 'session'.
      'event': the goal is reached by events, matched in int_goal_events_matched: an event whose
        event_name is the goal's and whose page path matches page_path_regex (when given), and
        for which `condition` holds (SQL over the aliases `events` and `goals`; none: no further
        condition). Completions count the matching events; the value is the goal's fixed value or
        the events' revenue.
      'session': the goal is reached once per session, at the time `reached` gives: SQL selecting
        session_id, goal_id and first_completed_at from the CTEs `events`
        (int_events_sessionized), `sessions` (int_sessions_aggregated) and `goals` (stg_goals);
        it must keep only goals of its own type.
    - event_name: the event name every goal of this type matches, whatever the seed says
      (optional); default_event_name: the event name when the seed leaves it empty (optional).
    - checks: what makes a goals seed row of this type invalid: a list of {when: SQL over the
      seed's text columns, true for a bad row, message: what is wrong}.

    Adding a goal type: write its macro (copy the closest one), add it to the list below, give it
    a unit test (models/marts/goals/_goal_unit_tests.yml) and a line in the `goal_types` doc block
    (models/docs.md). docs/architecture.md walks through an example.
-#}
{% macro goal_types() -%}
    {{ return([
        micro_conversions.goal_type__event(),
        micro_conversions.goal_type__destination(),
        micro_conversions.goal_type__scroll_depth(),
        micro_conversions.goal_type__duration(),
        micro_conversions.goal_type__pages_per_session(),
        micro_conversions.goal_type__repeat_visit(),
    ]) }}
{%- endmacro %}

{#- Names of the registered goal types; with `matched_per`, only the types matched that way. -#}
{% macro goal_type_names(matched_per=none) -%}
    {%- set names = [] -%}
    {%- for goal_type in micro_conversions.goal_types()
        if matched_per is none or goal_type.matched_per == matched_per -%}
        {%- do names.append(goal_type.name) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}

{#- SQL: the event name a goal matches, from the seed's goal_type and event_name text columns. -#}
{% macro goal_event_name(goal_type_column, event_name_column) -%}
    case
    {%- for goal_type in micro_conversions.goal_types() if goal_type.event_name or goal_type.default_event_name %}
        when {{ micro_conversions.config_key(goal_type_column) }} = '{{ goal_type.name }}'
            then
            {%- if goal_type.event_name %} '{{ goal_type.event_name }}'
            {%- else %} coalesce({{ micro_conversions.config_key(event_name_column) }}, '{{ goal_type.default_event_name }}')
            {%- endif %}
    {%- endfor %}
        else {{ micro_conversions.config_key(event_name_column) }}
    end
{%- endmacro %}

{#-
    SQL over the goals seed's text columns: what is wrong with the row's goal type and the fields
    its type needs (the first problem found), or null when nothing is.
-#}
{% macro goal_type_problem() -%}
    {%- set names = micro_conversions.goal_type_names() -%}
    case
        when coalesce({{ micro_conversions.config_key('goal_type') }}, '') not in {{ micro_conversions.sql_string_list(names) }}
            then 'goal_type must be one of {{ names | join(", ") }}'
    {%- for goal_type in micro_conversions.goal_types() %}
        {%- for check in goal_type.checks %}
        when {{ micro_conversions.config_key('goal_type') }} = '{{ goal_type.name }}' and ({{ check.when }})
            then '{{ check.message | replace("'", "''") }}'
        {%- endfor %}
    {%- endfor %}
    end
{%- endmacro %}

{#-
    SQL over `events` and `goals`: the conditions of the goal types reached by events that have
    one (an event of another type needs none). None when no type has a condition.
-#}
{% macro goal_event_condition() -%}
    {%- set conditions = [] -%}
    {%- for goal_type in micro_conversions.goal_types() if goal_type.matched_per == 'event' and goal_type.condition -%}
        {%- do conditions.append("(goals.goal_type <> '" ~ goal_type.name ~ "' or (" ~ goal_type.condition ~ '))') -%}
    {%- endfor -%}
    {{ return(conditions | join('\n        and ') if conditions else none) }}
{%- endmacro %}

{#- Seed check shared by the types whose threshold must be a positive number. -#}
{% macro goal_threshold_is_not_positive() -%}
    coalesce({{ micro_conversions.safe_cast_number('threshold') }}, 0) <= 0
{%- endmacro %}
