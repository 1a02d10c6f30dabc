{#- One row per macro goal x attribution model x source x medium x campaign; see macros/reports/attribution.sql. -#}
{{ micro_conversions.attribution_report(['traffic_source', 'traffic_medium', 'traffic_campaign']) }}
