-- Fails when quarantined rows are more than `micro_conversions__max_quarantined_share` of the raw
-- rows: a broken feed (a renamed column, a new timestamp format) stops the build before its
-- marts are published. Returns the counts and the share when it fails.
with

counts as (

    select
        (select count(*) from {{ ref('stg_events_checked') }}) as raw_rows,
        (select count(*) from {{ ref('stg_events_quarantine') }}) as quarantined_rows

)

select
    raw_rows,
    quarantined_rows,
    cast(quarantined_rows as {{ micro_conversions.type_double() }}) / raw_rows as quarantined_share
from counts
where raw_rows > 0
    and cast(quarantined_rows as {{ micro_conversions.type_double() }}) / raw_rows
    > {{ micro_conversions.setting('micro_conversions__max_quarantined_share') }}
