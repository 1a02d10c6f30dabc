{%- set window = micro_conversions.incremental_by_load_time() -%}
{#- Incremental by load time (macros/incremental/load_window.sql): a run stages the raw rows of
    its window again and keeps the earlier ones. -#}
{#-
    Every raw row, as text, with its timestamps and revenue parsed, the reason it breaks the raw
    event contract (null when it does not) and its rank among the valid rows sharing its
    event_id. The only model that reads the raw relation.

    Copies of an event id rank by `loaded_at` first, so a row restaged by a run never outranks a
    copy kept from an earlier run (that one was loaded before the window): a restaged copy's rank
    is the number of valid copies kept plus its rank among the copies in the window, the rank a
    full rebuild gives it.

    The raw rows are read three times, each time only as wide as needed: the event id to find the
    ids seen more than once (`window_ids`), every column of the rows with a single copy, and
    every column of the few rows with copies, which alone are sorted. The CTEs that check a row
    are inlined into both of their readers (`cte_materialization`), so that neither holds every
    row as text; an incremental run holds its window's raw rows once instead (they are few).
-#}
{%- set raw = micro_conversions.raw_events_relation() -%}
{#- The contract's empty template seed: the column set of this model's unit tests. -#}
{%- do ref('raw_event_contract') -%}
{%- set extra_columns = micro_conversions.extra_columns(raw, micro_conversions.raw_event_contract_columns()) -%}
{%- set present = micro_conversions.present_contract_columns(raw) -%}
{%- set output_columns = [
    'event_id', 'event_at_text', 'visitor_id', 'user_id', 'event_name', 'page_url', 'referrer_url',
    'user_agent', 'device_category', 'revenue_text', 'percent_scrolled_text', 'loaded_at_text',
    'tracker_session_id'] + extra_columns + [
    'event_at', 'loaded_at', 'is_revenue_out_of_range', 'revenue', 'percent_scrolled', 'quarantine_reason'] -%}
{#- The valid rows kept from earlier runs whose event id has a row in this run's window: this
    table, after the pre-hook deleted the window's rows; none when every row is staged. -#}
{#- An incremental run restages only its load window: few rows, held once. -#}
{%- set restages_window = window.incremental and not window.rebuild_in_full -%}
{%- if restages_window -%}
    {%- set kept_rows -%}
        (
            select kept.event_id
            from {{ this }} as kept
            where kept.quarantine_reason is null
                and kept.event_id in (select window_ids.event_id from window_ids)
        ) as kept_rows
    {%- endset -%}
{%- else -%}
    {%- set kept_rows -%}
        (
            select cast(null as {{ dbt.type_string() }}) as event_id
            where 1 = 0
        ) as kept_rows
    {%- endset -%}
{%- endif %}

with

-- The raw rows this run stages: every row, or in an incremental run the rows of its load window,
-- which are few and held once (the load time of every raw row is then parsed once).
window_rows as {{ micro_conversions.cte_materialization(restages_window) }} (

    select *
    from {{ raw }}
    where {{ micro_conversions.is_in_staging_window(micro_conversions.parse_timestamp_utc(
        micro_conversions.raw_text_value('loaded_at', present)), window) }}

),

-- The event ids of the raw rows this run stages, with their number of rows (valid or not).
window_ids as (

    select
        event_id,
        count(*) as rows_in_window
    from (
        select {{ micro_conversions.raw_text_value('event_id', present) }} as event_id
        from window_rows
    ) as raw_ids
    where event_id is not null
    group by event_id

),

-- Valid copies of an event id kept from earlier runs (loaded before this run's window).
earlier_copies as (

    select
        event_id,
        count(*) as earlier_valid_copies
    from {{ kept_rows }}
    group by event_id

),

-- Event ids with more than one row, counting the valid copies kept from earlier runs: only
-- their rows need ranking (a sort of the few duplicated rows, not of every row).
duplicated_event_ids as (

    select
        window_ids.event_id,
        coalesce(earlier_copies.earlier_valid_copies, 0) as earlier_valid_copies
    from window_ids
    left join earlier_copies
        on window_ids.event_id = earlier_copies.event_id
    where window_ids.rows_in_window + coalesce(earlier_copies.earlier_valid_copies, 0) > 1

),

-- Every raw row, with the number of valid copies of its event id kept from earlier runs when
-- the id has more than one row (null when it has one).
raw_events as {{ micro_conversions.cte_materialization(false) }} (

    select
        raw_rows.*,
        duplicated_event_ids.earlier_valid_copies
    from window_rows as raw_rows
    left join duplicated_event_ids
        on {{ micro_conversions.raw_text_value('event_id', present, 'raw_rows') }}
            = duplicated_event_ids.event_id

),

as_text as {{ micro_conversions.cte_materialization(false) }} (

    select
        {{ micro_conversions.raw_text_value('event_id', present) }} as event_id,
        {{ micro_conversions.raw_text_value('event_at', present) }} as event_at_text,
        {{ micro_conversions.raw_text_value('visitor_id', present) }} as visitor_id,
        {{ micro_conversions.raw_text_value('user_id', present) }} as user_id,
        lower({{ micro_conversions.raw_text_value('event_name', present) }}) as event_name,
        {{ micro_conversions.raw_text_value('page_url', present) }} as page_url,
        {{ micro_conversions.raw_text_value('referrer_url', present) }} as referrer_url,
        {{ micro_conversions.raw_text_value('user_agent', present) }} as user_agent,
        {{ micro_conversions.raw_text_value('device_category', present) }} as device_category,
        {{ micro_conversions.raw_text_value('revenue', present) }} as revenue_text,
        {{ micro_conversions.raw_text_value('percent_scrolled', present) }} as percent_scrolled_text,
        {{ micro_conversions.raw_text_value('loaded_at', present) }} as loaded_at_text,
        {{ micro_conversions.raw_text_value('tracker_session_id', present) }} as tracker_session_id,
        earlier_valid_copies
    {%- for column in extra_columns %},
        {{ adapter.quote(column) }}
        {%- endfor %}
    from raw_events

),

parsed as {{ micro_conversions.cte_materialization(false) }} (

    select
        *,
        {{ micro_conversions.parse_timestamp_utc('event_at_text') }} as event_at,
        {{ micro_conversions.parse_timestamp_utc('loaded_at_text') }} as loaded_at,
        {{ micro_conversions.number_too_large('revenue_text', micro_conversions.money_integer_digits()) }}
            as is_revenue_out_of_range,
        case
            when not {{ micro_conversions.number_too_large('revenue_text', micro_conversions.money_integer_digits()) }}
                then cast({{ micro_conversions.safe_cast_number('revenue_text') }} as {{ micro_conversions.type_money() }})
        end as revenue,
        cast({{ micro_conversions.safe_cast_number('percent_scrolled_text') }} as {{ micro_conversions.type_double() }})
            as percent_scrolled
    from as_text

),

checked as {{ micro_conversions.cte_materialization(false) }} (

    select
        *,
        case
            when event_id is null then 'missing_event_id'
            when visitor_id is null then 'missing_visitor_id'
            when event_name is null then 'missing_event_name'
            when event_at_text is null then 'missing_event_at'
            when event_at is null then 'unparseable_event_at'
            when event_at < cast('{{ micro_conversions.setting('micro_conversions__min_event_at') }}' as timestamp)
                then 'event_at_too_early'
            when event_at > {{ dbt.dateadd(
                'hour',
                micro_conversions.setting('micro_conversions__max_future_skew_hours'),
                "coalesce(loaded_at, cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "' as timestamp))"
            ) }}
                then 'event_at_in_future'
            when loaded_at_text is not null and loaded_at is null then 'unparseable_loaded_at'
            when is_revenue_out_of_range then 'revenue_out_of_range'
            when revenue_text is not null and revenue is null then 'unparseable_revenue'
            -- An order value is never negative: refunds are events of their own, with a positive value.
            when revenue < 0 then 'negative_revenue'
            when percent_scrolled_text is not null and percent_scrolled is null then 'unparseable_percent_scrolled'
            when percent_scrolled < 0 or percent_scrolled > 100 then 'percent_scrolled_out_of_range'
        end as quarantine_reason
    from parsed

),

-- Rows whose event id has a single row, and rows breaking the contract: no rank to compute.
single_copies as (

    select
        {%- for column in output_columns %}
            checked.{{ adapter.quote(column) if column in extra_columns else column }},
        {%- endfor %}
        case when checked.quarantine_reason is null then 1 end as event_id_rank
    from checked
    where checked.earlier_valid_copies is null
        or checked.quarantine_reason is not null

),

ranked_copies as (

    select
        {%- for column in output_columns %}
            checked.{{ adapter.quote(column) if column in extra_columns else column }},
        {%- endfor %}
        -- Valid rows sharing an event_id: the first loaded is kept; the rest of the order only
        -- makes the choice deterministic when copies arrived at the same time.
        checked.earlier_valid_copies + row_number() over (
            partition by checked.event_id
            order by
                checked.loaded_at asc nulls last,
                checked.event_at asc,
                checked.visitor_id asc,
                checked.event_name asc,
                checked.page_url asc nulls last,
                checked.referrer_url asc nulls last,
                checked.user_id asc nulls last,
                checked.user_agent asc nulls last,
                checked.device_category asc nulls last,
                checked.revenue_text asc nulls last,
                checked.percent_scrolled_text asc nulls last,
                checked.tracker_session_id asc nulls last,
                -- The same instants written differently: copies that differ in any contract
                -- column never tie (extra columns are not compared: they may have no order).
                checked.event_at_text asc,
                checked.loaded_at_text asc nulls last
        ) as event_id_rank
    from checked
    where checked.earlier_valid_copies is not null
        and checked.quarantine_reason is null

),

ranked as (

    select * from single_copies
    union all
    select * from ranked_copies

)

select * from ranked  -- noqa: AM04
