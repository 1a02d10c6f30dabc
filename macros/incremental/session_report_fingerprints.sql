{#-
    SQL: one row per session of the visitors listed in `visitors` (a relation with visitor_id),
    read from `sessions` (fct_sessions or its table) and `completions` (its goal completions):
    the session's `session_date` (its start's local date, as the daily goal reports group it) and
    a `fingerprint` of everything those reports read of it (`goal_report_sessions`: date,
    visitor, channel, device, whether it counts toward the intent-adjusted rate) and of each goal
    it reached, with its completions and value. Equal fingerprints add the same to every cell of
    both reports, so a session whose fingerprint a run leaves unchanged changes no report row.
-#}
{% macro session_report_fingerprints(sessions, completions, visitors) -%}
{%- set fields = [] -%}
{%- for column in ['session_date'] + micro_conversions.goal_report_session_columns() -%}
    {%- do fields.extend([
        "coalesce(cast(dated_sessions." ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')", "'|'"]) -%}
{%- endfor -%}
{%- do fields.append("coalesce(session_goals.goals, '')") -%}
{%- set goal_entry = dbt.concat([
    'goal_id', "'='", 'cast(completions as ' ~ dbt.type_string() ~ ')',
    "'/'", 'cast(goal_value as ' ~ dbt.type_string() ~ ')']) -%}
    select
        dated_sessions.session_id,
        dated_sessions.session_date,
        {{ dbt.hash(dbt.concat(fields)) }} as fingerprint
    from ({{ micro_conversions.goal_report_sessions(sessions) }}) as dated_sessions
    left join (
        select
            session_id,
            {{ micro_conversions.ordered_string_agg(goal_entry, 'goal_id', "','") }} as goals
        from {{ completions }}
        where visitor_id in (select visitor_id from {{ visitors }})
        group by session_id
    ) as session_goals
        on dated_sessions.session_id = session_goals.session_id
    where dated_sessions.visitor_id in (select visitor_id from {{ visitors }})
{%- endmacro %}
