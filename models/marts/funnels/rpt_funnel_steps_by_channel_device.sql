{{ micro_conversions.funnel_step_report(['entry_channel', 'entry_device_category']) }}
