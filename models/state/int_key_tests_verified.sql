{{ config(materialized=micro_conversions.event_model_materialization(), incremental_strategy='append') }}
{#-
    Which rows of each incremental model have passed its key test (grain: test_key). Built empty;
    the on-run-end hook `record_verified_key_tests` replaces the row of every key test that
    passed, with the run's start: every row of the tested table was written at or before it.
    A key test with a row here checks only the keys written after it (macros/tests/unique_combination.sql).
-#}
select
    cast(null as {{ dbt.type_string() }}) as test_key,
    cast(null as {{ dbt.type_timestamp() }}) as verified_through,
    cast(null as {{ dbt.type_string() }}) as invocation_id
where 1 = 0
