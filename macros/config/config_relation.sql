{#-
    Where a configuration table is read from: the package's seed of the same name (`goals`,
    `session_intents`, `funnels`, `funnel_steps`, `funnel_exclusions`, `visitor_segments`,
    `channel_rules`, `referrer_sources`), or what the setting `micro_conversions__<name>_relation`
    names: a seed or model of the host project by its name (a `ref`, so dbt builds it first),
    'schema.table', 'database.schema.table', or on DuckDB a .csv / .parquet / .json(l) file
    read in place (the same forms as the raw events).

    Returns `<relation> as <alias>` (alias: the name unless given), to follow `from`/`join`.
    A configured relation is read with every column cast to text, whatever types it was loaded
    with, so a host project's own seed needs no column types. In unit tests (and while parsing)
    the seed is returned: the hand-worked cases stay the package's own. The seed is referenced in
    every case, so it stays in the graph (its checks and the incremental state follow it; see
    `configured_seed_relation` in macros/incremental/state.sql).
-#}
{% macro config_relation(name, alias=none) -%}
    {%- set seed = ref(name) -%}
    {%- set configured = micro_conversions.setting('micro_conversions__' ~ name ~ '_relation') -%}
    {%- if configured and not execute -%}
        {#- Parsing: record the dependency on a configured seed or model. -#}
        {%- do micro_conversions.named_relation(configured, 'micro_conversions__' ~ name ~ '_relation', use_ref=true) -%}
    {%- endif -%}
    {%- if not configured or not execute or micro_conversions.in_unit_test() -%}
        {{ return(seed ~ ' as ' ~ (alias or name)) }}
    {%- endif -%}
    {{ return(micro_conversions.relation_as_text(
        micro_conversions.named_relation(configured, 'micro_conversions__' ~ name ~ '_relation', use_ref=true),
        alias or name)) }}
{%- endmacro %}

{#- The names of the configuration tables a setting may replace. -#}
{% macro config_names() -%}
    {{ return(['goals', 'session_intents', 'funnels', 'funnel_steps', 'funnel_exclusions', 'visitor_segments',
               'channel_rules', 'referrer_sources']) }}
{%- endmacro %}

{#-
    The relation (or, for a file on DuckDB, the SQL of its table function) a setting's value
    names. A name without a dot is a seed or model of the project: `ref` when `use_ref` (the
    calling model then depends on it), else looked up in the graph (state macros).
-#}
{% macro named_relation(name, setting_name, use_ref=false) -%}
    {%- set file_format = micro_conversions.raw_events_file_format(name) -%}
    {%- if file_format -%}
        {{ return(micro_conversions.read_raw_events_file(name, file_format)) }}
    {%- endif -%}
    {%- set parts = name.split('.') -%}
    {%- if parts | length == 1 and use_ref -%}
        {{ return(ref(name)) }}
    {%- elif parts | length == 1 -%}
        {{ return(micro_conversions.node_relation(name, setting_name)) }}
    {%- endif -%}
    {%- if parts | length == 2 -%}
        {#- Spark targets have no database. -#}
        {{ return(api.Relation.create(database=target.database if target.database is defined else none,
            schema=parts[0], identifier=parts[1])) }}
    {%- elif parts | length == 3 -%}
        {{ return(api.Relation.create(database=parts[0], schema=parts[1], identifier=parts[2])) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        setting_name ~ " must be the name of a seed or model, 'schema.table', 'database.schema.table' or a file "
        ~ "path ending in .parquet, .csv, .csv.gz, .json, .jsonl or .ndjson; got '" ~ name ~ "'") }}
{%- endmacro %}

{#- The relation of the seed or model named `name` (the root project's first), from the graph. -#}
{% macro node_relation(name, setting_name) -%}
    {%- set found = [] -%}
    {%- for node in graph.nodes.values()
        if node.name == name and node.resource_type in ['seed', 'model', 'snapshot'] -%}
        {%- do found.append(node) -%}
    {%- endfor -%}
    {%- if not found -%}
        {{ exceptions.raise_compiler_error(setting_name ~ ": no seed or model named '" ~ name ~ "'") }}
    {%- endif -%}
    {%- set node = (found | selectattr('package_name', 'equalto', project_name) | list or found)[0] -%}
    {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}

{#- SQL: `relation` with every column cast to text (lower-case names), as a subquery named `alias`. -#}
{% macro relation_as_text(relation, alias) -%}
    {%- set columns = micro_conversions.relation_column_names(relation) -%}
    {%- if not columns -%}
        {{ exceptions.raise_compiler_error('The configured ' ~ alias ~ ' relation ' ~ relation ~ ' does not exist or has no columns.') }}
    {%- endif -%}
    (select
    {%- for column in columns %}
        cast({{ adapter.quote(column) }} as {{ dbt.type_string() }}) as {{ column | lower }}{{ ',' if not loop.last }}
    {%- endfor %}
    from {{ relation }}) as {{ alias }}
{%- endmacro %}
