{#-
    One row per funnel x actor that started it (grain: funnel_id, actor_id). The actor counts at
    the furthest step any of its attempts reached; each step's time is taken from the first
    attempt (by start) that reached it, and so is the time from the previous step. An actor with
    an excluded attempt is flagged `is_excluded` and left out of the funnel reports.
-#}
{%- set steps = range(1, micro_conversions.max_funnel_steps() + 1) -%}
{%- if execute and model.columns and ('step_' ~ steps[-1] ~ '_at' not in model.columns
    or 'step_' ~ (steps[-1] + 1) ~ '_at' in model.columns) -%}
    {{ exceptions.raise_compiler_error(
        'fct_funnel_actors: the documented step columns do not match max_funnel_steps() = ' ~ steps[-1]
        ~ '; run `make columns` (mc-funnel-columns) to regenerate them in _funnel_marts.yml') }}
{%- endif -%}

-- Columns repeat per step in Jinja loops, which the indentation rule cannot follow.
-- noqa: disable=LT02
{%- set time_zone = micro_conversions.setting('micro_conversions__session_time_zone') %}
with

attempts as (

    select * from {{ ref('int_funnel_attempts') }}

),

funnels as (

    select * from {{ ref('stg_funnels') }}

),

sessions as (

    select * from {{ ref('fct_sessions') }}

),

data_cutoff as (

    select max(event_at) as last_event_at
    from {{ ref('int_events_sessionized') }}

),

-- For each step, the first attempt that reached it.
first_reaching as (

    select
        funnel_id,
        actor_id
        {%- for k in steps %},
            min(case when furthest_step >= {{ k }} then attempt_number end) as first_attempt_reaching_{{ k }}
        {%- endfor %}
    from attempts
    group by funnel_id, actor_id

),

actors as (

    select
        attempts.funnel_id,
        attempts.actor_id,
        count(*) as attempts,
        max(attempts.furthest_step) as furthest_step,
        max(case when attempts.is_excluded then 1 else 0 end) = 1 as is_excluded,
        max(attempts.window_ends_at) as last_window_ends_at,
        max(case when attempts.attempt_number = 1 then attempts.entry_session_id end) as entry_session_id
        {%- for k in steps %},
            max(case when attempts.attempt_number = first_reaching.first_attempt_reaching_{{ k }}
                then attempts.step_{{ k }}_at end) as step_{{ k }}_at
            {%- if k > 1 %},
                max(case when attempts.attempt_number = first_reaching.first_attempt_reaching_{{ k }}
                    then {{ micro_conversions.seconds_between('attempts.step_' ~ (k - 1) ~ '_at', 'attempts.step_' ~ k ~ '_at') }}
                end) as seconds_to_step_{{ k }}
            {%- endif %}
        {%- endfor %}
    from attempts
    inner join first_reaching
        on attempts.funnel_id = first_reaching.funnel_id
            and attempts.actor_id = first_reaching.actor_id
    group by attempts.funnel_id, attempts.actor_id

),

final as (

    select
        actors.funnel_id,
        actors.actor_id,
        funnels.scope,
        funnels.ordering,
        cast(actors.attempts as {{ dbt.type_bigint() }}) as attempts,
        actors.furthest_step,
        actors.is_excluded,
        -- Right-censoring: some attempt's window ends after the data's last event.
        actors.last_window_ends_at > data_cutoff.last_event_at as is_window_open,
        actors.step_1_at as entered_at,
        cast({{ micro_conversions.to_local_timestamp('actors.step_1_at', time_zone) }} as date) as entry_date,
        -- Attribution: the session in which the actor first entered the funnel (first touch).
        coalesce(sessions.channel, 'Unassigned') as entry_channel,
        coalesce(sessions.device_category, 'unknown') as entry_device_category
        {%- for k in steps %},
            actors.step_{{ k }}_at
            {%- if k > 1 %},
                actors.seconds_to_step_{{ k }}
            {%- endif %}
        {%- endfor %}
    from actors
    inner join funnels
        on actors.funnel_id = funnels.funnel_id
    left join sessions
        on actors.entry_session_id = sessions.session_id
    cross join data_cutoff

)

select * from final
