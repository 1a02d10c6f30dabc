-- Warn (never block): each non-experimental goal that nothing in the data ever completed, printed
-- in the run's output. Usually a configuration that does not match the tracker (`Add To Cart`
-- in the data against `add_to_cart` in the goals, a path regex that matches no page).
{{ config(severity='warn') }}
{%- set never_reached -%}
    select
        goals.goal_id,
        goals.goal_type
    from {{ ref('stg_goals') }} as goals
    where not goals.is_experimental
        and not exists (
            select 1 from {{ ref('fct_goal_completions') }} as completions
            where completions.goal_id = goals.goal_id
        )
{%- endset %}
{{- micro_conversions.report_rows(never_reached ~ ' order by goals.goal_id', 'goals never reached') }}
{{ never_reached }}
