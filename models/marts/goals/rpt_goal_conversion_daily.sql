{{ micro_conversions.goal_conversion_report(['session_date']) }}
