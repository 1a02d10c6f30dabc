{#-
    Fails with one row per combination of `columns` that occurs more than once.

    `written_at` (optional) names the column an incremental model stamps with the start of the
    run that wrote each row (`processed_at`). Once the test has passed on the table, the on-run-end
    hook `record_verified_key_tests` records that run's start in `int_key_tests_verified`: every
    row written until then holds a unique key. The next run of the test then checks only the
    keys of the rows written after that (against every row of the table that has one of them,
    plus every row with a null key column) instead of aggregating the whole table. A duplicate
    needs at least one row written after the last pass, and the join finds its other copies
    wherever they are. A run whose test failed records nothing, so the next run checks the
    failed rows again. When no row is older than the last pass (a full build, a model rebuilt
    in full), or no pass is recorded, the whole table is checked in one aggregation.
    `micro_conversions__key_tests_scope: whole_table` checks the whole table on every run
    (docs/incremental_state.md, "Key tests in incremental runs").
-#}
{% test unique_combination(model, columns, written_at=none) %}
{%- set key = columns | join(', ') -%}
{%- set verified_through = micro_conversions.key_test_verified_through(model, columns, written_at) -%}
{%- if verified_through is not none %}

with written_keys as (
    select distinct {{ key }}
    from {{ model }}
    where {{ written_at }} > {{ verified_through }} or {{ written_at }} is null
),

rows_in_scope as (
    select {% for column in columns %}checked.{{ column }}{{ ", " if not loop.last }}{% endfor %}
    from {{ model }} as checked
    inner join written_keys
        on {% for column in columns %}checked.{{ column }} = written_keys.{{ column }}{{ " and " if not loop.last }}{% endfor %}
    union all
    select {{ key }}
    from {{ model }}
    where {% for column in columns %}{{ column }} is null{{ " or " if not loop.last }}{% endfor %}
)
{%- endif %}

select
    {{ key }},
    count(*) as occurrences
from {{ 'rows_in_scope' if verified_through is not none else model }}
group by {{ key }}
having count(*) > 1

{% endtest %}

{#- The name a key test's passes are recorded under: the tested relation and its key columns. -#}
{% macro key_test_key(identifier, columns) -%}
    {{ return(identifier ~ ': ' ~ columns | join(', ')) }}
{%- endmacro %}

{#-
    SQL timestamp up to which the rows of `model` passed this key test, or none when the test
    checks the whole table: no `written_at`, the scope var `whole_table`, a filtered model (a
    `where` config), an engine that rebuilds the event models in full (Spark), no pass recorded,
    or no row written at or before the last pass. Asked of the
    database when the test runs (tests are compiled just before they run).
-#}
{% macro key_test_verified_through(model, columns, written_at) -%}
    {%- set scope = micro_conversions.setting('micro_conversions__key_tests_scope') -%}
    {%- if scope not in ['since_last_pass', 'whole_table'] -%}
        {{ exceptions.raise_compiler_error(
            "micro_conversions__key_tests_scope must be 'since_last_pass' or 'whole_table', not '" ~ scope ~ "'") }}
    {%- endif -%}
    {%- if not execute or written_at is none or scope == 'whole_table' or model.identifier is not defined
        or micro_conversions.event_model_materialization() != 'incremental' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set ledger = micro_conversions.built_relation('int_key_tests_verified') -%}
    {%- if ledger is none
        or adapter.get_relation(model.database, model.schema, model.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set passed = run_query(
        "select passes.verified_through from (select max(verified_through) as verified_through from " ~ ledger
        ~ " where test_key = '" ~ micro_conversions.key_test_key(model.identifier, columns) ~ "') as passes"
        ~ " where passes.verified_through >= (select min(" ~ written_at ~ ") from " ~ model ~ ")") -%}
    {%- if passed.rows | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return("cast('" ~ passed.rows[0][0].strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{#-
    on-run-end: record the run's start for every key test with `written_at` that passed in this
    invocation (replacing its earlier row), so that its next run checks only newer rows. Tests
    that failed, erred or were skipped record nothing. Not on engines whose event models are
    rebuilt in full on every run (Spark): every row there is new on each run.
-#}
{% macro record_verified_key_tests(results) -%}
    {%- if not execute or micro_conversions.event_model_materialization() != 'incremental' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set ledger = micro_conversions.built_relation('int_key_tests_verified') -%}
    {%- if ledger is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set passed = [] -%}
    {%- for result in results if result.node.resource_type == 'test' and result.status == 'pass'
        and result.node.test_metadata is defined -%}
        {%- set metadata = result.node.test_metadata -%}
        {%- if metadata.name == 'unique_combination' and metadata.namespace == 'micro_conversions'
            and metadata.kwargs.get('written_at') and result.node.attached_node in graph.nodes -%}
            {%- set tested = graph.nodes[result.node.attached_node] -%}
            {%- do passed.append(micro_conversions.key_test_key(tested.alias, metadata.kwargs['columns'])) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if passed | length == 0 -%}
        {{ return('') }}
    {%- endif -%}
    delete from {{ ledger }} where test_key in ('{{ passed | join("', '") }}');
    insert into {{ ledger }} (test_key, verified_through, invocation_id)
    values
    {%- for test_key in passed %}
        ('{{ test_key }}', {{ micro_conversions.processed_at() }}, '{{ invocation_id }}'){{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
