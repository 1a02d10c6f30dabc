-- The macro-goal completions (non-experimental) of fct_goal_completions: one side of the
-- conversion metric micro_to_macro_within_7_days (MetricFlow matches every row of a side).
select
    session_id,
    goal_id,
    visitor_id,
    first_completed_at
from {{ ref('fct_goal_completions') }}
where goal_kind = 'macro' and not is_experimental
