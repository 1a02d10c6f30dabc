{#-
    What the raw events are read from: the demo seed `raw_events` (loaded only when the setting
    is empty), or the business's own events named by `micro_conversions__raw_events_relation`:
    - a seed or model of the project by its name (a `ref`: dbt builds it first);
    - a relation, 'schema.table' or 'database.schema.table';
    - on DuckDB, a file (or a glob of files) read in place: a path ending in .parquet, .csv,
      .csv.gz, .json, .jsonl or .ndjson, absolute or relative to where dbt runs.
    Returns a relation, or (for files) the SQL of a table function. Only staging reads it. When
    the events are in a tracker's schema (`micro_conversions__raw_events_format`), the view
    `stg_tracker_events` mapping them onto the contract. In unit tests: the empty seed
    `raw_event_contract` (the contract's columns), which they replace with their rows.
-#}
{% macro raw_events_relation() -%}
    {%- if micro_conversions.in_unit_test() -%}
        {{ return(ref('raw_event_contract')) }}
    {%- endif -%}
    {%- if micro_conversions.reads_tracker_events() -%}
        {{ return(ref('stg_tracker_events')) }}
    {%- endif -%}
    {{ return(micro_conversions.events_relation_as_configured()) }}
{%- endmacro %}

{#- The relation (or file) `micro_conversions__raw_events_relation` names; the demo seed when empty. -#}
{% macro events_relation_as_configured() -%}
    {%- set name = micro_conversions.setting('micro_conversions__raw_events_relation') -%}
    {%- if not name -%}
        {{ return(ref('raw_events')) }}
    {%- endif -%}
    {{ return(micro_conversions.named_relation(name, 'micro_conversions__raw_events_relation', use_ref=true)) }}
{%- endmacro %}

{#- The file format of a raw events path ('parquet', 'csv', 'json'), or none for a relation name. -#}
{% macro raw_events_file_format(name) -%}
    {%- set lowered = name | lower -%}
    {%- if lowered.endswith('.parquet') -%}
        {{ return('parquet') }}
    {%- elif lowered.endswith('.csv') or lowered.endswith('.csv.gz') -%}
        {{ return('csv') }}
    {%- elif lowered.endswith('.json') or lowered.endswith('.jsonl') or lowered.endswith('.ndjson') -%}
        {{ return('json') }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{#- SQL reading raw events from a file in place (DuckDB). Every CSV column is read as text. -#}
{% macro read_raw_events_file(path, file_format) -%}
    {{ return(adapter.dispatch('read_raw_events_file', 'micro_conversions')(path, file_format)) }}
{%- endmacro %}

{% macro default__read_raw_events_file(path, file_format) -%}
    {{ exceptions.raise_compiler_error(
        "Reading raw events from a file ('" ~ path ~ "') works on DuckDB only; on " ~ target.type
        ~ ", load the file into a table and set micro_conversions__raw_events_relation to its name.") }}
{%- endmacro %}

{% macro duckdb__read_raw_events_file(path, file_format) -%}
    {%- set quoted = "'" ~ path | replace("'", "''") ~ "'" -%}
    {%- if file_format == 'parquet' -%}
        {{ return('read_parquet(' ~ quoted ~ ')') }}
    {%- elif file_format == 'csv' -%}
        {{ return('read_csv(' ~ quoted ~ ', header = true, all_varchar = true)') }}
    {%- endif -%}
    {{ return('read_json(' ~ quoted ~ ", format = 'newline_delimited')") }}
{%- endmacro %}

{#- Column names of a relation, or of a file's table function (SQL text), as the engine gives them. -#}
{% macro relation_column_names(relation) -%}
    {%- if relation is string -%}
        {{ return(run_query('describe select * from ' ~ relation).columns[0].values() | list) }}
    {%- endif -%}
    {{ return(adapter.get_columns_in_relation(relation) | map(attribute='name') | list) }}
{%- endmacro %}

{#- The columns of the raw event contract (README "Raw event contract"). Any other raw column is passed through. -#}
{% macro raw_event_contract_columns() -%}
    {{ return(['event_id', 'event_at', 'visitor_id', 'user_id', 'event_name', 'page_url', 'referrer_url',
               'user_agent', 'device_category', 'revenue', 'percent_scrolled', 'loaded_at', 'tracker_session_id']) }}
{%- endmacro %}

{#- The contract columns a raw relation must have (the others may be missing: they read as null). -#}
{% macro raw_event_required_columns() -%}
    {{ return(['event_id', 'event_at', 'visitor_id', 'event_name']) }}
{%- endmacro %}

{#-
    The contract columns `relation` has (lower-case names). A relation without a required column
    stops the build with a message naming it. Every contract column while parsing and in unit
    tests, where there is no relation to inspect.
-#}
{% macro present_contract_columns(relation) -%}
    {%- set contract = micro_conversions.raw_event_contract_columns() -%}
    {%- if not execute -%}
        {{ return(contract) }}
    {%- endif -%}
    {%- set names = micro_conversions.relation_column_names(relation) | map('lower') | list -%}
    {%- if not names -%}
        {{ return(contract) }}
    {%- endif -%}
    {%- set missing = [] -%}
    {%- for column in micro_conversions.raw_event_required_columns() if column not in names -%}
        {%- do missing.append(column) -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            'The raw events relation ' ~ relation ~ ' has no column ' ~ missing | join(', ')
            ~ ': the raw event contract requires event_id, event_at, visitor_id and event_name'
            ~ ' (README "Raw event contract"). Its columns: ' ~ names | join(', ')) }}
    {%- endif -%}
    {{ return(contract | select('in', names) | list) }}
{%- endmacro %}

{#- `column` of the raw relation (qualified by `relation_alias` when given) as text, or a typed null
    when the relation does not have it. -#}
{% macro raw_text_column(column, present, relation_alias=none) -%}
    {%- if column in present -%}
        cast({{ relation_alias ~ '.' if relation_alias }}{{ column }} as {{ dbt.type_string() }})
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{#- A raw column as text without surrounding spaces; null when empty or absent. -#}
{% macro raw_text_value(column, present, relation_alias=none) -%}
    nullif({{ micro_conversions.trim_spaces(micro_conversions.raw_text_column(column, present, relation_alias)) }}, '')
{%- endmacro %}

{#- The columns stg_events_checked adds or renames. -#}
{% macro checked_event_columns() -%}
    {{ return(micro_conversions.raw_event_contract_columns() + [
        'event_at_text', 'loaded_at_text', 'revenue_text', 'is_revenue_out_of_range', 'percent_scrolled_text', 'quarantine_reason',
        'event_id_rank']) }}
{%- endmacro %}

{#-
    Names of the columns of `relation` outside `known` (lower-case names): the business's extra
    raw columns, passed through. Empty while parsing, and in unit tests (no relation to inspect).
-#}
{% macro extra_columns(relation, known) -%}
    {%- set extra = [] -%}
    {%- if execute -%}
        {%- for name in micro_conversions.relation_column_names(relation) if name | lower not in known -%}
            {%- do extra.append(name) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(extra) }}
{%- endmacro %}

{#- ", <prefix><column>" for each column (quoted): extra columns appended to a select list. -#}
{% macro trailing_columns(columns, prefix='') -%}
    {%- for column in columns -%}
        , {{ prefix }}{{ adapter.quote(column) }}
    {%- endfor -%}
{%- endmacro %}
