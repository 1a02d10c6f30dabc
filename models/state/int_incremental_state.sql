{{ config(materialized=micro_conversions.event_model_materialization(), incremental_strategy='append') }}
{#-
    The recorded incremental state (grain: model_name x input_name): for each incremental model,
    the inputs its rows were last built from (macros/incremental/state.sql). Built empty; each
    incremental model's post-hook replaces its own rows, in the transaction that writes the model.
-#}
select
    cast(null as {{ dbt.type_string() }}) as model_name,
    cast(null as {{ dbt.type_string() }}) as input_name,
    cast(null as {{ dbt.type_string() }}) as fingerprint,
    cast(null as {{ dbt.type_timestamp() }}) as recorded_at,
    cast(null as {{ dbt.type_string() }}) as invocation_id
where 1 = 0
