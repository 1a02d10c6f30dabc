-- Every staged event that sessions should hold is in exactly one session:
-- sum of fct_sessions.event_count = staged events (less bot events when they are excluded).
with

staged as (

    select count(*) as event_count
    from {{ ref('stg_events') }}
    {%- if micro_conversions.setting('micro_conversions__exclude_bot_events') %}
        where not is_bot
    {%- endif %}

),

sessions as (

    select coalesce(sum(event_count), 0) as event_count from {{ ref('fct_sessions') }}

),

visitors as (

    select coalesce(sum(events), 0) as event_count from {{ ref('dim_visitors') }}

)

select
    staged.event_count as staged_events,
    sessions.event_count as session_events,
    visitors.event_count as visitor_events
from staged
cross join sessions
cross join visitors
where staged.event_count != sessions.event_count
    or staged.event_count != visitors.event_count
