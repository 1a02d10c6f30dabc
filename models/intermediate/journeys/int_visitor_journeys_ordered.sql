{{ config(materialized='table') }}
{#- A table: read by two reports and two data tests, each of which would rank every visitor's
    goals again from a view. -#}
{#-
    One row per visitor x step of the visitor's goal journey (grain: visitor_id, step_number).
    The journey is the visitor's distinct non-experimental goals in the order they were first
    reached (ties by goal_id), up to the first macro conversion: the micro goals first reached
    strictly before it, then that macro goal as the last step. Visitors who never convert keep
    every micro goal. Visitors without any goal have no rows.
-#}
with

visitor_goals as (

    select * from {{ ref('int_visitor_goals_aggregated') }}

),

goals as (

    select * from {{ ref('stg_goals') }}
    where not is_experimental

),

reached as (

    select
        visitor_goals.visitor_id,
        visitor_goals.goal_id,
        visitor_goals.goal_kind,
        visitor_goals.first_completed_at
    from visitor_goals
    inner join goals
        on visitor_goals.goal_id = goals.goal_id

),

first_macro as (

    select
        visitor_id,
        goal_id,
        first_completed_at as converted_at
    from (
        select
            visitor_id,
            goal_id,
            first_completed_at,
            row_number() over (partition by visitor_id order by first_completed_at, goal_id) as macro_rank
        from reached
        where goal_kind = 'macro'
    ) as ranked_macros
    where macro_rank = 1

),

kept as (

    select
        reached.visitor_id,
        reached.goal_id,
        reached.goal_kind,
        reached.first_completed_at
    from reached
    left join first_macro
        on reached.visitor_id = first_macro.visitor_id
    where reached.goal_kind = 'micro'
        and (first_macro.converted_at is null or reached.first_completed_at < first_macro.converted_at)
    union all
    select
        visitor_id,
        goal_id,
        'macro' as goal_kind,
        converted_at as first_completed_at
    from first_macro

),

final as (

    select
        visitor_id,
        cast(row_number() over (
            partition by visitor_id
            order by case when goal_kind = 'macro' then 1 else 0 end, first_completed_at, goal_id
        ) as {{ dbt.type_bigint() }}) as step_number,
        goal_id,
        goal_kind,
        first_completed_at
    from kept

)

select * from final
