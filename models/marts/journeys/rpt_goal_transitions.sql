{#- One row per journey step x goal -> next goal (grain: step_number, from_goal_id, to_goal_id). -#}
with

journeys as (

    select * from {{ ref('int_visitor_journeys_ordered') }}

),

visitors as (

    select * from {{ ref('dim_visitors') }}

),

last_steps as (

    select
        visitor_id,
        max(step_number) as step_number,
        max(case when goal_kind = 'macro' then 1 else 0 end) as converted
    from journeys
    group by visitor_id

),

-- Every visitor's journey with a '(start)' node at step 0 and, unless it ends in a macro goal,
-- a '(drop-off)' node after its last goal.
nodes as (

    select
        visitor_id,
        0 as step_number,
        '(start)' as goal_id
    from visitors
    union all
    select
        visitor_id,
        step_number,
        goal_id
    from journeys
    union all
    select
        visitors.visitor_id,
        coalesce(last_steps.step_number, 0) + 1 as step_number,
        '(drop-off)' as goal_id
    from visitors
    left join last_steps
        on visitors.visitor_id = last_steps.visitor_id
    where coalesce(last_steps.converted, 0) = 0

),

transitions as (

    select
        from_nodes.step_number,
        from_nodes.goal_id as from_goal_id,
        to_nodes.goal_id as to_goal_id,
        count(*) as visitors
    from nodes as from_nodes
    inner join nodes as to_nodes
        on from_nodes.visitor_id = to_nodes.visitor_id
            and from_nodes.step_number + 1 = to_nodes.step_number
    group by from_nodes.step_number, from_nodes.goal_id, to_nodes.goal_id

),

final as (

    select
        cast(step_number as {{ dbt.type_bigint() }}) as step_number,
        from_goal_id,
        to_goal_id,
        cast(visitors as {{ dbt.type_bigint() }}) as visitors,
        cast(sum(visitors) over (partition by step_number, from_goal_id) as {{ dbt.type_bigint() }}) as from_visitors,
        {{ micro_conversions.safe_ratio('visitors', 'sum(visitors) over (partition by step_number, from_goal_id)') }} as share_of_from
    from transitions

)

select * from final
