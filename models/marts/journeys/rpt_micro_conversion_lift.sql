{#- One row per micro goal x macro goal (grain: micro_goal_id, macro_goal_id); see lift_statistics. -#}
{#- A structural prerequisite: every converter had the micro goal (and there are enough converters
    to say so). Its lift states how the site is built, not an insight: it stays in the mart,
    flagged, outside the Benjamini-Hochberg family. -#}
{%- set structural -%}
    converted_without = 0
    and converted_with >= {{ micro_conversions.setting('micro_conversions__lift_min_conversions') }}
{%- endset -%}
with

tables as (

    select * from {{ ref('int_micro_macro_tables_counted') }}

),

goals as (

    select * from {{ ref('stg_goals') }}

),

visitors as (

    select * from {{ ref('dim_visitors') }}

),

-- 0, 1, ..., number of visitors: every value a cell of a 2x2 table of visitors can take.
whole_numbers as (

    select row_number() over (order by visitor_id) as k from visitors
    union all
    select 0 as k

),

statistics as (

    {{ micro_conversions.lift_statistics(
        'tables', 'whole_numbers', ['micro_goal_id', 'macro_goal_id'],
        exclude_from_family=structural) }}

),

final as (

    select
        tables.micro_goal_id,
        tables.macro_goal_id,
        micro_goals.goal_name as micro_goal_name,
        macro_goals.goal_name as macro_goal_name,
        micro_goals.is_experimental as micro_goal_is_experimental,
        cast(tables.visitors as {{ dbt.type_bigint() }}) as visitors,
        cast(tables.visitors_with as {{ dbt.type_bigint() }}) as visitors_with,
        cast(tables.converted_with as {{ dbt.type_bigint() }}) as converted_with,
        statistics.conversion_rate_with,
        statistics.conversion_rate_with_lower,
        statistics.conversion_rate_with_upper,
        cast(tables.visitors_without as {{ dbt.type_bigint() }}) as visitors_without,
        cast(tables.converted_without as {{ dbt.type_bigint() }}) as converted_without,
        statistics.conversion_rate_without,
        statistics.conversion_rate_without_lower,
        statistics.conversion_rate_without_upper,
        statistics.absolute_lift,
        statistics.relative_lift,
        statistics.odds_ratio,
        statistics.odds_ratio_lower,
        statistics.odds_ratio_upper,
        coalesce(statistics.odds_ratio_is_corrected, false) as odds_ratio_is_corrected,
        statistics.fisher_p_value,
        statistics.fisher_log10_p_value,
        statistics.fisher_q_value,
        coalesce({{ structural | replace('converted_', 'tables.converted_') }}, false) as is_structural_prerequisite,
        tables.visitors_with < {{ micro_conversions.setting('micro_conversions__lift_min_visitors') }}
        or tables.visitors_without < {{ micro_conversions.setting('micro_conversions__lift_min_visitors') }}
        or tables.converters < {{ micro_conversions.setting('micro_conversions__lift_min_conversions') }} as is_low_support,
        cast(tables.micro_sessions as {{ dbt.type_bigint() }}) as micro_completions,
        cast(micro_goals.goal_value as {{ micro_conversions.type_money() }}) as configured_goal_value,
        {{ micro_conversions.safe_ratio('tables.macro_value_with', 'tables.visitors_with') }} as macro_value_per_visitor_with,
        {{ micro_conversions.safe_ratio('tables.macro_value_without', 'tables.visitors_without') }} as macro_value_per_visitor_without,
        -- The value gap per visitor, spread over the visitors' credited completions (sessions).
        (
            {{ micro_conversions.safe_ratio('tables.macro_value_with', 'tables.visitors_with') }}
            - {{ micro_conversions.safe_ratio('tables.macro_value_without', 'tables.visitors_without') }}
        ) * tables.visitors_with / nullif(tables.micro_sessions, 0) as estimated_value_per_completion
    from tables
    inner join statistics
        on tables.micro_goal_id = statistics.micro_goal_id
            and tables.macro_goal_id = statistics.macro_goal_id
    inner join goals as micro_goals
        on tables.micro_goal_id = micro_goals.goal_id
    inner join goals as macro_goals
        on tables.macro_goal_id = macro_goals.goal_id

)

select * from final
