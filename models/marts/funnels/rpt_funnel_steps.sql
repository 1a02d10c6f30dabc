{{ micro_conversions.funnel_step_report([]) }}
