{#-
    The relation the raw events are read from: the demo seed `raw_events`, or the business's own
    table named by the var `micro_conversions__raw_events_relation` ('schema.table' or
    'database.schema.table'). Only staging reads it.
-#}
{% macro raw_events_relation() -%}
    {%- set name = micro_conversions.setting('micro_conversions__raw_events_relation') -%}
    {%- if not name -%}
        {{ return(ref('raw_events')) }}
    {%- endif -%}
    {%- set parts = name.split('.') -%}
    {%- if parts | length == 2 -%}
        {{ return(api.Relation.create(database=target.database, schema=parts[0], identifier=parts[1])) }}
    {%- elif parts | length == 3 -%}
        {{ return(api.Relation.create(database=parts[0], schema=parts[1], identifier=parts[2])) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "micro_conversions__raw_events_relation must be 'schema.table' or 'database.schema.table', got '"
            ~ name ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{#- The columns of the raw event contract (README "Raw event contract"). Any other raw column is passed through. -#}
{% macro raw_event_contract_columns() -%}
    {{ return(['event_id', 'event_at', 'visitor_id', 'user_id', 'event_name', 'page_url', 'referrer_url',
               'user_agent', 'device_category', 'revenue', 'loaded_at']) }}
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
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
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

{#- `column` of the raw relation as text, or a typed null when the relation does not have it. -#}
{% macro raw_text_column(column, present) -%}
    {%- if column in present -%}
        cast({{ column }} as {{ dbt.type_string() }})
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{#- The columns stg_events_checked adds or renames. -#}
{% macro checked_event_columns() -%}
    {{ return(micro_conversions.raw_event_contract_columns() + [
        'event_at_text', 'loaded_at_text', 'revenue_text', 'is_revenue_out_of_range', 'quarantine_reason',
        'event_id_rank']) }}
{%- endmacro %}

{#-
    Names of the columns of `relation` outside `known` (lower-case names): the business's extra
    raw columns, passed through. Empty while parsing, and in unit tests (no relation to inspect).
-#}
{% macro extra_columns(relation, known) -%}
    {%- set extra = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- if column.name | lower not in known -%}
                {%- do extra.append(column.name) -%}
            {%- endif -%}
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
