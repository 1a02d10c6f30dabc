{{ micro_conversions.funnel_step_report(['entry_date']) }}
