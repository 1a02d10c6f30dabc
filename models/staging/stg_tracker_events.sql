{{ config(materialized='view', enabled=micro_conversions.reads_tracker_events()) }}
{#-
    The tracker's events (micro_conversions__raw_events_relation, in the schema
    micro_conversions__raw_events_format names) mapped onto the raw event contract, one row per
    tracker row (grain: the tracker's row). Built only when the format is not `contract`;
    stg_events_checked then reads it as the raw events. The mappings: macros/trackers/.
-#}
{{ micro_conversions.tracker_events_sql(micro_conversions.events_relation_as_configured()) }}
