{#- One row per macro goal x attribution model x channel; see macros/reports/attribution.sql. -#}
{{ micro_conversions.attribution_report(['channel']) }}
