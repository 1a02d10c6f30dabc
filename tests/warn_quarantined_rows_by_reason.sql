-- Warn (never block): one row per quarantine reason with its row count, printed in the run's
-- output, so every run says what it left out and why. The share that blocks is
-- assert_quarantined_share_within_limit.
{{ config(severity='warn') }}
{%- set by_reason -%}
    select
        quarantine_reason,
        count(*) as quarantined_rows
    from {{ ref('stg_events_quarantine') }}
    group by quarantine_reason
{%- endset %}
{{- micro_conversions.report_rows(by_reason ~ ' order by quarantined_rows desc, quarantine_reason', 'quarantined rows by reason') }}
{{ by_reason }}
