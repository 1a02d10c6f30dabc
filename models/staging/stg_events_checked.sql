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
-#}
{%- set raw = micro_conversions.raw_events_relation() -%}
{#- The contract's empty template seed: the column set of this model's unit tests. -#}
{%- do ref('raw_event_contract') -%}
{%- set extra_columns = micro_conversions.extra_columns(raw, micro_conversions.raw_event_contract_columns()) -%}
{%- set present = micro_conversions.present_contract_columns(raw) -%}
{#- The rows kept from earlier runs: this table, after the pre-hook deleted the window's rows;
    none when every row is staged. -#}
{%- if window.incremental and not window.rebuild_in_full -%}
    {%- set kept_rows = this -%}
{%- else -%}
    {%- set kept_rows -%}
        (
            select
                cast(null as {{ dbt.type_string() }}) as event_id,
                cast(null as {{ dbt.type_string() }}) as quarantine_reason
            where 1 = 0
        ) as nothing_kept
    {%- endset -%}
{%- endif %}

with

raw_events as (

    select * from {{ raw }}

),

as_text as (

    select
        nullif(trim({{ micro_conversions.raw_text_column('event_id', present) }}), '') as event_id,
        nullif(trim({{ micro_conversions.raw_text_column('event_at', present) }}), '') as event_at_text,
        nullif(trim({{ micro_conversions.raw_text_column('visitor_id', present) }}), '') as visitor_id,
        nullif(trim({{ micro_conversions.raw_text_column('user_id', present) }}), '') as user_id,
        nullif(lower(trim({{ micro_conversions.raw_text_column('event_name', present) }})), '') as event_name,
        nullif(trim({{ micro_conversions.raw_text_column('page_url', present) }}), '') as page_url,
        nullif(trim({{ micro_conversions.raw_text_column('referrer_url', present) }}), '') as referrer_url,
        nullif(trim({{ micro_conversions.raw_text_column('user_agent', present) }}), '') as user_agent,
        nullif(trim({{ micro_conversions.raw_text_column('device_category', present) }}), '') as device_category,
        nullif(trim({{ micro_conversions.raw_text_column('revenue', present) }}), '') as revenue_text,
        nullif(trim({{ micro_conversions.raw_text_column('percent_scrolled', present) }}), '') as percent_scrolled_text,
        nullif(trim({{ micro_conversions.raw_text_column('loaded_at', present) }}), '') as loaded_at_text,
        nullif(trim({{ micro_conversions.raw_text_column('tracker_session_id', present) }}), '') as tracker_session_id
    {%- for column in extra_columns %},
        {{ adapter.quote(column) }}
        {%- endfor %}
    from raw_events

),

parsed as (

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

checked as (

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
    where {{ micro_conversions.is_in_staging_window('loaded_at', window) }}

),

-- Valid copies of an event id kept from earlier runs (loaded before this run's window).
earlier_copies as (

    select
        event_id,
        count(*) as earlier_valid_copies
    from {{ kept_rows }}
    where quarantine_reason is null
        and event_id in (
            select window_rows.event_id
            from checked as window_rows
            where window_rows.quarantine_reason is null
        )
    group by event_id

),

-- Event ids with more than one valid copy, counting those kept from earlier runs: only their
-- copies need ranking (a sort of the few duplicated rows, not of every row).
duplicated_event_ids as (

    select
        window_copies.event_id,
        coalesce(earlier_copies.earlier_valid_copies, 0) as earlier_valid_copies
    from (
        select
            event_id,
            count(*) as window_copies
        from checked
        where quarantine_reason is null
        group by event_id
    ) as window_copies
    left join earlier_copies
        on window_copies.event_id = earlier_copies.event_id
    where window_copies.window_copies + coalesce(earlier_copies.earlier_valid_copies, 0) > 1

),

ranked_copies as (

    select
        checked.*,
        -- Valid rows sharing an event_id: the first loaded is kept; the rest of the order only
        -- makes the choice deterministic when copies arrived at the same time.
        duplicated_event_ids.earlier_valid_copies + row_number() over (
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
                checked.tracker_session_id asc nulls last
        ) as event_id_rank
    from checked
    inner join duplicated_event_ids
        on checked.event_id = duplicated_event_ids.event_id
    where checked.quarantine_reason is null

),

ranked as (

    select
        checked.*,
        case when checked.quarantine_reason is null then 1 end as event_id_rank
    from checked
    left join duplicated_event_ids
        on checked.event_id = duplicated_event_ids.event_id
    where checked.quarantine_reason is not null
        or duplicated_event_ids.event_id is null

    union all

    select * from ranked_copies

)

select * from ranked  -- noqa: AM04
