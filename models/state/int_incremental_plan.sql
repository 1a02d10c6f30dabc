{{ config(materialized='table', post_hook="{{ micro_conversions.report_incremental_plan() }}") }}
{#-
    What this run rebuilds and why (grain: model_name x input_name): each input of each
    incremental model, its recorded and current fingerprint, and whether the model is rebuilt in
    full (an input changed, no state was recorded, or --full-refresh) or runs incrementally.
    Its post-hook prints the plan in one line. The incremental models make the same comparison
    when they run (macros/incremental/state.sql), so a partial selection never reads a stale plan.
-#}
{#- The configuration tables (the package's seeds, or the relations configured instead) are
    loaded before the plan reads them: referenced while parsing, they become dependencies. -#}
{%- if not execute %}
    {%- for name in micro_conversions.config_names() %}
        {%- do micro_conversions.config_relation(name) %}
    {%- endfor %}
{%- endif %}
{%- set models = micro_conversions.stateful_models() %}
{#- Each model's inputs are worked out once, also where another model includes them. -#}
{%- set components_cache = {} %}

with

recorded as (

    select
        model_name,
        input_name,
        fingerprint,
        recorded_at
    from {{ ref('int_incremental_state') }}

),

current_inputs as (

    {%- for name in models %}
    {{ micro_conversions.state_components_sql(name, components_cache) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select model_name, input_name, fingerprint from recorded where 1 = 0
    {%- endfor %}

),

recorded_models as (

    select distinct model_name from recorded

),

compared as (

    select
        coalesce(current_inputs.model_name, recorded.model_name) as model_name,
        coalesce(current_inputs.input_name, recorded.input_name) as input_name,
        recorded.fingerprint as recorded_fingerprint,
        current_inputs.fingerprint as current_fingerprint,
        recorded.recorded_at,
        case
            when recorded_models.model_name is null then 'no recorded state'
            when recorded.fingerprint is null then 'new'
            when current_inputs.fingerprint is null then 'removed'
            when recorded.fingerprint != current_inputs.fingerprint then 'changed'
            else 'unchanged'
        end as input_status
    from current_inputs
    full outer join recorded
        on current_inputs.model_name = recorded.model_name
            and current_inputs.input_name = recorded.input_name
    left join recorded_models
        on coalesce(current_inputs.model_name, recorded.model_name) = recorded_models.model_name

),

final as (

    select
        model_name,
        input_name,
        recorded_fingerprint,
        current_fingerprint,
        input_status,
        -- The start of the model's last build, as this run found it (null before the first).
        max(recorded_at) over (partition by model_name) as last_built_at,
        {{ 'true' if flags.FULL_REFRESH else 'false' }}
        or max(case when input_status != 'unchanged' then 1 else 0 end) over (partition by model_name) = 1
            as is_full_rebuild
    from compared

)

select * from final
