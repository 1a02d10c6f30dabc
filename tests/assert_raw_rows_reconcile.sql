-- Nothing is lost in staging: raw rows = staged events + dropped duplicates + quarantined rows.
-- Returns a row (a failure) when the counts disagree. After an incremental build this means raw
-- rows landed with a loaded_at older than the staging window (README "Incremental processing"):
-- widen micro_conversions__staging_lookback_hours, and run `dbt build --full-refresh` to stage them.
with

raw_rows as (

    select count(*) as row_count from {{ micro_conversions.raw_events_relation() }}

),

staged as (

    select count(*) as row_count from {{ ref('stg_events') }}

),

duplicates as (

    select count(*) as row_count
    from {{ ref('stg_events_checked') }}
    where quarantine_reason is null
        and event_id_rank > 1

),

quarantined as (

    select count(*) as row_count from {{ ref('stg_events_quarantine') }}

)

select
    raw_rows.row_count as raw_rows,
    staged.row_count as staged,
    duplicates.row_count as duplicates,
    quarantined.row_count as quarantined
from raw_rows
cross join staged
cross join duplicates
cross join quarantined
where raw_rows.row_count != staged.row_count + duplicates.row_count + quarantined.row_count
