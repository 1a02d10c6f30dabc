{%- set unit = micro_conversions.incremental_by('actor_id') %}
{#- Incremental by funnel actor (see macros/incremental). -#}
-- Columns repeat per step in Jinja loops, which the indentation rule cannot follow.
-- noqa: disable=LT02
{#
    One row per funnel x actor x event matching a step or exclusion goal of the funnel (grain:
    funnel_id, actor_id, ordinal). The actor is the session (scope `session`) or the person: the
    stitched user id, else the visitor id (scope `visitor`).

    `ordinal` orders an actor's events by time; events at the same time are ordered by the
    lowest step they match (so different events at the same timestamp count as in order), then
    by event id. Ordered and unordered funnels number only the funnel's goal events (1, 2, 3 ...).
    A strict funnel numbers every event of an actor with at least one step-1 event (any other
    event breaks the chain; an actor without a step-1 event starts no attempt) and keeps only
    the goal events: its ordinals have gaps, and "the very next event" is the one at ordinal + 1,
    which is in the stream only when it matches a goal of the funnel.

    Running counts locate the events an attempt needs: `events_through_step_k` counts the
    actor's events matching step k up to this one, so the next step-k event after this one is
    the step-k event whose count is one more (an equi-join); `exclusions_through_j` counts the
    events of exclusion rule j the same way (one lies between two events when the count grows
    between them) and `next_exclusion_j_at` is the time of the next one after this event. All
    are computed in the sort that numbers the events: one sorted pass, in time linear in events.
    Only the steps and exclusion rules some configured funnel has are computed
    (`configured_funnel_shape`); the columns of the others are 0 or null, added after the sort
    (constant columns carried through it would only widen the rows it moves).
-#}
{%- set shape = micro_conversions.configured_funnel_shape() -%}
{%- set steps = range(1, micro_conversions.max_funnel_steps() + 1) -%}
{%- set exclusions = range(1, micro_conversions.max_funnel_exclusions() + 1) -%}
{#- The events as a subquery, not a CTE: each of its three readers scans only the columns it needs
    (a CTE read several times is materialized with every column first). -#}
{%- set events -%}
    (
        select * from {{ ref('int_events_sessionized') }}
        where {{ micro_conversions.is_affected('session_id', unit) }}
            or {{ micro_conversions.is_affected('coalesce(user_id, visitor_id)', unit) }}
    )
{%- endset -%}
{%- set actor_id -%}
    case when funnels.scope = 'session' then events.session_id else coalesce(events.user_id, events.visitor_id) end
{%- endset -%}
{%- set stream_columns -%}
        funnels.funnel_id,
        {{ actor_id }} as actor_id,
        events.event_id,
        events.event_at,
        events.session_id,
        flags.first_step
        {%- for k in steps if k <= shape.steps %},
            coalesce(flags.matches_step_{{ k }}, 0) as matches_step_{{ k }}
        {%- endfor %}
        {%- for j in exclusions if j <= shape.exclusions %},
            coalesce(flags.matches_exclusion_{{ j }}, 0) as matches_exclusion_{{ j }}
        {%- endfor %},
        -- False only for the events a strict funnel numbers but does not keep.
        flags.funnel_id is not null as is_funnel_goal_event
{%- endset -%}
{#- Numbering and running counts, in one window (one sort); `shape` limits them to the
    configured steps and exclusion rules. -#}
{%- set stream_window -%}
        partition by funnel_id, actor_id
        order by event_at, coalesce(first_step, {{ micro_conversions.max_funnel_steps() + 1 }}), event_id
{%- endset -%}
{%- set numbered_columns -%}
        row_number() over ({{ stream_window }}) as ordinal
        {%- for k in steps if k <= shape.steps %},
            cast(sum(matches_step_{{ k }}) over (
                {{ stream_window }}
                rows between unbounded preceding and current row
            ) as {{ dbt.type_bigint() }}) as events_through_step_{{ k }}
        {%- endfor %}
        {%- for j in exclusions if j <= shape.exclusions %},
            cast(sum(matches_exclusion_{{ j }}) over (
                {{ stream_window }}
                rows between unbounded preceding and current row
            ) as {{ dbt.type_bigint() }}) as exclusions_through_{{ j }},
            {{ micro_conversions.next_value(
                'case when matches_exclusion_' ~ j ~ ' = 1 then event_at end', 'funnel_id, actor_id',
                'event_at, coalesce(first_step, ' ~ (micro_conversions.max_funnel_steps() + 1) ~ '), event_id') }}
                as next_exclusion_{{ j }}_at
        {%- endfor %}
{%- endset %}

with

funnels as (

    select * from {{ ref('stg_funnels') }}

),

funnel_steps as (

    select * from {{ ref('stg_funnel_steps') }}

),

funnel_exclusions as (

    select * from {{ ref('stg_funnel_exclusions') }}

),

goal_events as (

    select * from {{ ref('int_goal_events_matched') }}
    {%- if unit.incremental and not unit.rebuild_in_full %}
    -- An incremental run flags only the events of the actors it rebuilds.
    where event_id in (select events.event_id from {{ events }} as events)
    {%- endif %}

),

-- Step goals and exclusion goals of every funnel, in one list.
funnel_goals as (

    select
        funnel_id,
        goal_id,
        step_number,
        cast(null as {{ dbt.type_int() }}) as exclusion_number
    from funnel_steps

    union all

    select
        funnel_id,
        goal_id,
        cast(null as {{ dbt.type_int() }}) as step_number,
        exclusion_number
    from funnel_exclusions

),

funnel_event_flags as (

    select
        funnel_goals.funnel_id,
        goal_events.event_id,
        min(funnel_goals.step_number) as first_step
        {%- for k in steps if k <= shape.steps %},
            max(case when funnel_goals.step_number = {{ k }} then 1 else 0 end) as matches_step_{{ k }}
        {%- endfor %}
        {%- for j in exclusions if j <= shape.exclusions %},
            max(case when funnel_goals.exclusion_number = {{ j }} then 1 else 0 end) as matches_exclusion_{{ j }}
        {%- endfor %}
    from goal_events
    inner join funnel_goals
        on goal_events.goal_id = funnel_goals.goal_id
    group by funnel_goals.funnel_id, goal_events.event_id

),

-- Ordered and unordered funnels: only the events that match the funnel's goals.
matching_events as (

    select {{ stream_columns }}
    from funnel_event_flags as flags
    inner join funnels
        on flags.funnel_id = funnels.funnel_id
    inner join {{ events }} as events
        on flags.event_id = events.event_id
    where funnels.ordering != 'strict'

),

-- Strict funnels: every event of an actor with a step-1 event, since any other event breaks the chain.
strict_actors as (

    select distinct
        funnels.funnel_id,
        {{ actor_id }} as actor_id
    from funnel_event_flags as flags
    inner join funnels
        on flags.funnel_id = funnels.funnel_id
    inner join {{ events }} as events
        on flags.event_id = events.event_id
    where funnels.ordering = 'strict'
        and flags.matches_step_1 = 1

),

-- Each event of a strict funnel with its actor (the actor depends on the funnel's scope).
strict_funnel_events as (

    select
        funnels.funnel_id as strict_funnel_id,
        {{ actor_id }} as strict_actor_id,
        events.*
    from funnels
    cross join {{ events }} as events
    where funnels.ordering = 'strict'

),

all_events as (

    select {{ stream_columns }}
    from strict_funnel_events as events
    inner join strict_actors
        on events.strict_funnel_id = strict_actors.funnel_id
            and events.strict_actor_id = strict_actors.actor_id
    inner join funnels
        on events.strict_funnel_id = funnels.funnel_id
    left join funnel_event_flags as flags
        on events.strict_funnel_id = flags.funnel_id
            and events.event_id = flags.event_id

),

-- Ordered and unordered funnels: the goal events numbered among themselves.
matching_numbered as (

    select
        *,
        {{ numbered_columns }}
    from matching_events
    where {{ micro_conversions.is_affected('actor_id', unit) }}

),

-- Strict funnels: every event numbered and counted, then only the goal events kept (the gaps stay).
strict_numbered as (

    select * from (
        select
            *,
            {{ numbered_columns }}
        from all_events
        where {{ micro_conversions.is_affected('actor_id', unit) }}
    ) as strict_events_numbered
    where is_funnel_goal_event

),

numbered as (

    select * from matching_numbered
    union all
    select * from strict_numbered

),

final as (

    select
        funnel_id,
        actor_id,
        ordinal,
        event_id,
        event_at,
        session_id,
        first_step
        {%- for k in steps %}
            {%- if k <= shape.steps %},
            matches_step_{{ k }},
            events_through_step_{{ k }}
            {%- else %},
            0 as matches_step_{{ k }},
            cast(0 as {{ dbt.type_bigint() }}) as events_through_step_{{ k }}
            {%- endif %}
        {%- endfor %}
        {%- for j in exclusions %}
            {%- if j <= shape.exclusions %},
            matches_exclusion_{{ j }},
            exclusions_through_{{ j }},
            next_exclusion_{{ j }}_at
            {%- else %},
            0 as matches_exclusion_{{ j }},
            cast(0 as {{ dbt.type_bigint() }}) as exclusions_through_{{ j }},
            cast(null as {{ dbt.type_timestamp() }}) as next_exclusion_{{ j }}_at
            {%- endif %}
        {%- endfor %},
        {{ micro_conversions.processed_at() }} as processed_at
    from numbered

)

select * from final
