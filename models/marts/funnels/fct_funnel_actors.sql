{%- set unit = micro_conversions.incremental_by('actor_id', also_rebuild='is_window_open') %}
{#-
    One row per funnel x actor that started it (grain: funnel_id, actor_id). The actor counts at
    the furthest step any of its attempts reached; each step's time is taken from the first
    attempt (by start) that reached it, and so is the time from the previous step. An actor with
    an excluded attempt is flagged `is_excluded` and left out of the funnel reports.

    Incremental by funnel actor (see macros/incremental): the pre-hook deletes the rows of this
    run's actors and every row whose window was open at the last run (`is_window_open`: it
    compares the actor's windows with the data's last event, which moves on with new data), and
    the model writes a row for every (funnel, actor) with attempts and no row left. A window
    closed at the last run stays closed: the data's last event only moves later between
    incremental runs (events are only added; whatever removes events is a configuration change,
    which rebuilds the model in full).
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
    {%- if unit.incremental and not unit.rebuild_in_full %} as funnel_attempts
    -- The (funnel, actor) pairs without a row after the pre-hook: this run's actors and the
    -- windows open at the last run.
    where not exists (
        select 1
        from {{ this }} as kept
        where kept.funnel_id = funnel_attempts.funnel_id
            and kept.actor_id = funnel_attempts.actor_id
    )
    {%- endif %}

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

-- Each step's time from the first attempt (by start) that reached it. No second pass is needed:
-- attempts start in time order and each step follows from the previous one's event (the next
-- matching event, or the very next event), so of the attempts reaching step k the first has the
-- earliest step k and step k - 1 times. The minimum over them is the first attempt's time.
actors as (

    select
        funnel_id,
        actor_id,
        count(*) as attempts,
        max(furthest_step) as furthest_step,
        max(case when is_excluded then 1 else 0 end) = 1 as is_excluded,
        max(window_ends_at) as last_window_ends_at,
        max(case when attempt_number = 1 then entry_session_id end) as entry_session_id
        {%- for k in steps %},
            min(case when furthest_step >= {{ k }} then step_{{ k }}_at end) as step_{{ k }}_at
            {%- if k > 1 %},
                {{ micro_conversions.seconds_between(
                    'min(case when furthest_step >= ' ~ k ~ ' then step_' ~ (k - 1) ~ '_at end)',
                    'min(case when furthest_step >= ' ~ k ~ ' then step_' ~ k ~ '_at end)') }} as seconds_to_step_{{ k }}
            {%- endif %}
        {%- endfor %}
    from attempts
    group by funnel_id, actor_id

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
        {%- endfor %},
        {{ micro_conversions.processed_at() }} as processed_at
    from actors
    inner join funnels
        on actors.funnel_id = funnels.funnel_id
    left join sessions
        on actors.entry_session_id = sessions.session_id
    cross join data_cutoff

)

select * from final
