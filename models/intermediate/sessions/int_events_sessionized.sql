{%- set unit = micro_conversions.incremental_by('visitor_id') %}
{#- Incremental: a visitor with new (or late) events has all its events sessionized again (see
    macros/incremental). Sessions, goals, intents and funnels all read this table. -#}
{#-
    One row per (non-bot) event, with its visitor's stitched user id and the session it belongs to.

    A visitor's events, ordered by event_at (ties by event_id), start a new session:
    - at the visitor's first event;
    - after a gap longer than `micro_conversions__session_timeout_minutes` (a gap of exactly the
      timeout stays in the session);
    - optionally, when the local date (in `micro_conversions__session_time_zone`) changes;
    - optionally, when an event carries a traffic source (campaign, click id, external referrer)
      other than the last one seen in the session so far (a session without one counts as direct).

    With `micro_conversions__use_tracker_session_id`, the tracker's own sessions are used instead
    (the rules above are not applied): a session is a visitor's events sharing a
    `tracker_session_id`; an event without one belongs to the tracker session of the visitor's
    previous event (events before the first id form a session of their own); sessions are
    numbered by their first event.
-#}
{%- set timeout_seconds = micro_conversions.setting('micro_conversions__session_timeout_minutes') * 60 -%}
{%- set split_at_midnight = micro_conversions.setting('micro_conversions__split_sessions_at_midnight') -%}
{%- set split_on_source = micro_conversions.setting('micro_conversions__split_sessions_on_new_source') -%}
{%- set time_zone = micro_conversions.setting('micro_conversions__session_time_zone') -%}
{%- set tracker_sessions = micro_conversions.setting('micro_conversions__use_tracker_session_id') -%}
{#- Where the engine can skip nulls in a window (DuckDB), the stitched user id and each session's
    first event come from the sorts by (event_at, event_id) the other window functions make:
    two sorts of the visitor's events instead of four (macros/cross_db/window_ignore_nulls.sql). -#}
{%- set ignore_nulls = micro_conversions.window_ignore_nulls() -%}
{%- set first_event_id = micro_conversions.last_non_null_value(
    'case when starts_session = 1 then event_id end', 'visitor_id', 'event_at, event_id') if ignore_nulls else '' -%}

with

events as (

    select * from {{ ref('stg_events') }}
    where
        {{ micro_conversions.is_affected('visitor_id', unit) }}
        {%- if micro_conversions.setting('micro_conversions__exclude_bot_events') %}
            and not is_bot
        {%- endif %}

),

events_stitched as (

    select
        *,
        -- The user id a visitor first logged in as ties all its events, before and after login.
        {{ micro_conversions.first_non_null_value('user_id', 'visitor_id', 'event_at, event_id') }}
            as stitched_user_id,
        lag(event_at) over (partition by visitor_id order by event_at, event_id) as previous_event_at,
        -- Positions in the visitor's history (the same sort as the lag): each session's event and
        -- page view numbers follow from them without sorting each session again.
        row_number() over (partition by visitor_id order by event_at, event_id) as visitor_event_number,
        sum(case when event_name = 'page_view' then 1 else 0 end) over (
            partition by visitor_id
            order by event_at, event_id
            rows between unbounded preceding and current row
        ) as visitor_page_views,
        {{ dbt.concat(['traffic_source', "'|'", 'traffic_medium', "'|'", "coalesce(traffic_campaign, '')"]) }}
            as traffic_source_key,
        -- Tracker sessions: events up to the next one carrying a tracker session id share this number.
        {%- if tracker_sessions %}
            count(tracker_session_id) over (
                partition by visitor_id
                order by event_at, event_id
                rows between unbounded preceding and current row
            )
        {%- else %}
            0
        {%- endif %} as tracker_session_run
    from events

),

timeout_splits as (

    select
        *,
        case
            when previous_event_at is null then 1
            when {{ micro_conversions.seconds_between('previous_event_at', 'event_at') }} > {{ timeout_seconds }} then 1
            {%- if split_at_midnight %}
            when cast({{ micro_conversions.to_local_timestamp('previous_event_at', time_zone) }} as date)
                != cast({{ micro_conversions.to_local_timestamp('event_at', time_zone) }} as date) then 1
            {%- endif %}
            else 0
        end as starts_base_session,
        {%- if tracker_sessions %}
            coalesce(first_value(tracker_session_id) over (
                partition by visitor_id, tracker_session_run
                order by event_at, event_id
                rows between unbounded preceding and unbounded following
            ), '')
        {%- else %}
            ''
        {%- endif %} as tracker_session_key
    from events_stitched

),

base_sessions as (

    select
        *,
        {%- if split_on_source %}
            sum(starts_base_session) over (
                partition by visitor_id
                order by event_at, event_id
                rows between unbounded preceding and current row
            )
        {%- else %}
            0
        {%- endif %} as base_session_number,
        {%- if tracker_sessions %}
            min(event_at) over (partition by visitor_id, tracker_session_key)
        {%- else %}
            cast(null as {{ dbt.type_timestamp() }})
        {%- endif %} as tracker_session_start_at
    from timeout_splits

),

{%- if split_on_source %}

source_splits as (

    select
        *,
        case
            when starts_base_session = 1 then 1
            when has_traffic_source
                and traffic_source_key != coalesce(previous_source_key, '(direct)|(none)|')
                then 1
            else 0
        end as starts_session
    from (
        select
            *,
            -- The previous event carrying a traffic source, in the same base session.
            lag(traffic_source_key) over (
                partition by visitor_id, base_session_number, has_traffic_source
                order by event_at, event_id
            ) as previous_source_key
        from base_sessions
    ) as with_previous_source

),

{%- else %}

    source_splits as (

        select
            *,
            starts_base_session as starts_session
        from base_sessions

    ),

{%- endif %}

sessions_numbered as (

    select
        *,
        {%- if tracker_sessions %}
            dense_rank() over (
                partition by visitor_id
                order by tracker_session_start_at, tracker_session_key
            ) as session_number
        {%- else %}
            -- One sort: the session number, and where the session starts in the visitor's history.
            sum(starts_session) over (
                partition by visitor_id
                order by event_at, event_id
                rows between unbounded preceding and current row
            ) as session_number,
            max(case when starts_session = 1 then visitor_event_number end) over (
                partition by visitor_id
                order by event_at, event_id
                rows between unbounded preceding and current row
            ) as session_start_event_number,
            {%- if ignore_nulls %}
            -- Sessions are contiguous here: the latest session start up to this event is its first.
            {{ first_event_id }} as first_event_id,  -- noqa: LT02
            {%- endif %}
            max(
                case
                    when starts_session = 1
                        then visitor_page_views - case when event_name = 'page_view' then 1 else 0 end
                end
            ) over (
                partition by visitor_id
                order by event_at, event_id
                rows between unbounded preceding and current row
            ) as page_views_before_session
        {%- endif %}
    from source_splits

),

sessions_identified as (

    select
        *,
        {%- if tracker_sessions or not ignore_nulls %}
        first_value(event_id) over (
            partition by visitor_id, session_number
            order by event_at, event_id
            rows between unbounded preceding and unbounded following
        ) as first_event_id,
        {%- endif %}
        {%- if tracker_sessions %}
            -- A tracker session's events need not be contiguous in the visitor's history.
            row_number() over (
                partition by visitor_id, session_number
                order by event_at, event_id
            ) as event_number,
            case
                when event_name = 'page_view' then row_number() over (
                        partition by visitor_id, session_number, event_name = 'page_view'
                        order by event_at, event_id
                    )
            end as page_view_number
        {%- else %}
            visitor_event_number - session_start_event_number + 1 as event_number,
            case when event_name = 'page_view' then visitor_page_views - page_views_before_session end
                as page_view_number
        {%- endif %}
    from sessions_numbered

),

final as (

    select
        {{ dbt.hash(dbt.concat(['visitor_id', "'|'", 'first_event_id'])) }} as session_id,
        visitor_id,
        stitched_user_id as user_id,
        cast(session_number as {{ dbt.type_int() }}) as session_number,
        cast(event_number as {{ dbt.type_int() }}) as event_number,
        cast(page_view_number as {{ dbt.type_int() }}) as page_view_number,
        event_id,
        event_at,
        event_name,
        page_path,
        traffic_source,
        traffic_medium,
        traffic_campaign,
        channel,
        device_category,
        revenue,
        percent_scrolled,
        loaded_at,
        {{ micro_conversions.processed_at() }} as processed_at
    from sessions_identified

)

select * from final
