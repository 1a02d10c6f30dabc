{#-
    Configuration-aware incremental state (docs/incremental_state.md).

    Every incremental model records, with its rows, the inputs its rows were built from: the
    code of the model and of the views it reads (and of every package macro they call), the value of each var that
    changes its result, the content of each configuration seed upstream of it, the identity of the
    raw events relation and the rule macros it resolves through dispatch. Its effective inputs are
    its own and those of the incremental models it reads, so a change upstream reaches every model
    downstream. When any recorded input differs from the current one, the model is rebuilt in full
    by a plain `dbt build` (every row deleted and written again); otherwise it runs incrementally.

    `int_incremental_state` holds the recorded inputs (model x input), written by each incremental
    model's post-hook in the same transaction as its rows; `int_incremental_plan` shows what this
    run rebuilds and why, and prints it in one line.
-#}

{#-
    The SQL of every macro of this package that the given nodes call, directly or through other
    macros (dispatched implementations included): a change to any of them changes the code
    fingerprint, so a new release rebuilds what its code changed without a version number.
-#}
{% macro package_macro_code(nodes) -%}
    {%- set prefix = 'macro.micro_conversions.' -%}
    {%- set seen = [] -%}
    {%- set code = [] -%}
    {%- set queue = [] -%}
    {%- for node in nodes -%}
        {%- do queue.extend(node.depends_on.macros) -%}
    {%- endfor -%}
    {%- for _ in range(10000) if queue -%}
        {%- set unique_id = queue.pop(0) -%}
        {%- if unique_id.startswith(prefix) and unique_id not in seen -%}
            {%- do seen.append(unique_id) -%}
            {%- set found = micro_conversions.get(unique_id[prefix | length:]) -%}
            {%- if found -%}
                {%- do code.append(unique_id ~ ':' ~ found.macro.macro_sql) -%}
                {%- do queue.extend(found.macro.depends_on.macros) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(code | sort) }}
{%- endmacro %}

{#-
    The vars and dispatched rule macros each incremental model reads directly (in its own SQL, the
    views it selects from and the macros it calls). Seeds, upstream incremental models and code are
    found in the graph. Every documented var is either listed here or listed in
    `vars_without_incremental_effect` (tested), so a new var cannot be forgotten.
-#}
{% macro state_inputs() -%}
    {%- set raw_vars = [
        'micro_conversions__raw_events_relation',
        'micro_conversions__raw_events_format',
        'micro_conversions__ga4_revenue_column',
        'micro_conversions__min_event_at',
        'micro_conversions__max_future_skew_hours',
    ] -%}
    {%- set staging_vars = [
        'micro_conversions__allowed_query_parameters',
        'micro_conversions__internal_hosts',
        'micro_conversions__bot_user_agent_regex',
    ] -%}
    {%- set session_vars = [
        'micro_conversions__session_timeout_minutes',
        'micro_conversions__split_sessions_at_midnight',
        'micro_conversions__split_sessions_on_new_source',
        'micro_conversions__use_tracker_session_id',
        'micro_conversions__exclude_bot_events',
    ] -%}
    {#- The time zone matters to sessions only when they split at local midnight. -#}
    {%- if micro_conversions.setting('micro_conversions__split_sessions_at_midnight') -%}
        {%- do session_vars.append('micro_conversions__session_time_zone') -%}
    {%- endif -%}
    {{ return({
        'stg_events_checked': {'vars': raw_vars, 'rules': []},
        'stg_events': {'vars': staging_vars, 'rules': ['is_bot', 'device_category', 'classify_channels']},
        'int_events_sessionized': {'vars': session_vars, 'rules': []},
        'int_sessions_aggregated': {'vars': [], 'rules': []},
        'int_sessions_intent_classified': {'vars': ['micro_conversions__default_intent'], 'rules': []},
        'int_goal_events_matched': {'vars': [], 'rules': []},
        'int_goal_completions': {'vars': [], 'rules': []},
        'fct_sessions': {
            'vars': [
                'micro_conversions__engaged_min_seconds',
                'micro_conversions__engaged_min_page_views',
            ],
            'rules': ['is_engaged'],
        },
        'int_visitor_goals_aggregated': {'vars': [], 'rules': []},
        'dim_visitors': {'vars': [], 'rules': []},
        'int_funnel_events_ordered': {'vars': [], 'rules': []},
        'int_funnel_attempts': {'vars': [], 'rules': []},
        'fct_funnel_actors': {'vars': ['micro_conversions__session_time_zone'], 'rules': []},
        'rpt_goal_conversion_daily': {'vars': ['micro_conversions__session_time_zone'], 'rules': []},
        'rpt_goal_conversion_daily_by_channel_device': {'vars': ['micro_conversions__session_time_zone'], 'rules': []},
    }) }}
{%- endmacro %}

{#- The implementation dispatch resolves for each overridable rule (a host project may override it). -#}
{% macro rule_implementations() -%}
    {{ return({
        'is_bot': adapter.dispatch('is_bot', 'micro_conversions'),
        'device_category': adapter.dispatch('device_category', 'micro_conversions'),
        'classify_channels': adapter.dispatch('classify_channels', 'micro_conversions'),
        'is_engaged': adapter.dispatch('is_engaged', 'micro_conversions'),
    }) }}
{%- endmacro %}

{#-
    Vars naming where a configuration table is read from: their effect is in the state as the
    content of the configuration seed they replace (`configured_seed_relation`).
-#}
{% macro vars_fingerprinted_as_seeds() -%}
    {{ return([
        'micro_conversions__goals_relation',
        'micro_conversions__session_intents_relation',
        'micro_conversions__funnels_relation',
        'micro_conversions__funnel_steps_relation',
        'micro_conversions__funnel_exclusions_relation',
        'micro_conversions__visitor_segments_relation',
        'micro_conversions__channel_rules_relation',
        'micro_conversions__referrer_sources_relation',
    ]) }}
{%- endmacro %}

{#- Vars that only tables and views rebuilt on every run read: no incremental state needed. -#}
{% macro vars_without_incremental_effect() -%}
    {{ return([
        'micro_conversions__lift_min_visitors',
        'micro_conversions__lift_min_conversions',
        'micro_conversions__max_goal_paths',
        'micro_conversions__max_goal_path_length',
        'micro_conversions__min_goal_path_visitors',
        'micro_conversions__anomaly_trailing_days',
        'micro_conversions__anomaly_stddevs',
        'micro_conversions__anomaly_min_history_days',
        'micro_conversions__anomaly_min_sessions',
        'micro_conversions__bi_roles',
        'micro_conversions__attribution_lookback_days',
        'micro_conversions__attribution_half_life_days',
        'micro_conversions__max_quarantined_share',
        'micro_conversions__schema',
        'micro_conversions__staging_lookback_hours',
        'micro_conversions__key_tests_scope',
    ]) }}
{%- endmacro %}

{#- Seeds that hold data rather than configuration (new rows are handled by the watermark). -#}
{% macro data_seeds() -%}
    {{ return(['raw_events', 'raw_event_contract']) }}
{%- endmacro %}

{#- The incremental models of this package that keep state (none where the engine rebuilds tables). -#}
{% macro stateful_models() -%}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.package_name == 'micro_conversions'
            and node.config.materialized == 'incremental' and node.name in micro_conversions.state_inputs() -%}
            {%- do names.append(node.name) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names | sort) }}
{%- endmacro %}

{#-
    Walks upstream of model `name` through views and tables, stopping at incremental models:
    returns {'seeds': [seed nodes], 'upstream': [incremental model names], 'code': [raw code],
    'models': [the model nodes walked]}.
-#}
{% macro state_graph(name) -%}
    {%- set found = {'seeds': [], 'upstream': [], 'code': [], 'models': []} -%}
    {%- set seen = [] -%}
    {%- set queue = ['model.micro_conversions.' ~ name] -%}
    {%- for _ in range(1000) if queue -%}
        {%- set unique_id = queue.pop(0) -%}
        {%- if unique_id not in seen and unique_id in graph.nodes -%}
            {%- do seen.append(unique_id) -%}
            {%- set node = graph.nodes[unique_id] -%}
            {%- if node.name in ['int_incremental_state', 'int_incremental_plan'] -%}
                {#- The state itself is not an input. -#}
            {%- elif node.resource_type == 'seed' -%}
                {%- if node.name not in micro_conversions.data_seeds() -%}
                    {%- do found['seeds'].append(node) -%}
                {%- endif -%}
            {%- elif node.resource_type == 'model' and node.name != name
                and node.config.materialized == 'incremental' -%}
                {%- do found['upstream'].append(node.name) -%}
            {%- elif node.resource_type == 'model' -%}
                {%- do found['code'].append(node.name ~ ':' ~ node.raw_code) -%}
                {%- do found['models'].append(node) -%}
                {%- do queue.extend(node.depends_on.nodes) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}

{#- A short, readable fingerprint of a value: itself when short, else its MD5. -#}
{% macro state_fingerprint(text) -%}
    {%- if text | length <= 120 -%}
        {{ return(text) }}
    {%- endif -%}
    {{ return('md5 ' ~ local_md5(text)) }}
{%- endmacro %}

{#-
    Where a configuration seed's rows are read from: the relation its setting names
    (macros/config/config_relation.sql), else the seed itself.
-#}
{% macro configured_seed_relation(node) -%}
    {%- set setting_name = 'micro_conversions__' ~ node.name ~ '_relation' -%}
    {%- if node.name in micro_conversions.config_names() and micro_conversions.setting(setting_name) -%}
        {{ return(micro_conversions.named_relation(micro_conversions.setting(setting_name), setting_name)) }}
    {%- endif -%}
    {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
{%- endmacro %}

{#- SQL: the row count and an order-free hash of every row of a seed (or of what it stands for). -#}
{% macro seed_fingerprint_sql(node) -%}
    {%- set relation = micro_conversions.configured_seed_relation(node) -%}
    {%- set columns = micro_conversions.relation_column_names(relation) | sort -%}
    {%- set cells = [] -%}
    {%- for column in columns -%}
        {%- do cells.append("coalesce(cast(" ~ adapter.quote(column) ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
        {%- do cells.append("'|'") -%}
    {%- endfor -%}
    (
        select
            {{ dbt.concat(["'rows '", 'cast(count(*) as ' ~ dbt.type_string() ~ ')', "' md5 '",
                "coalesce(" ~ dbt.hash(micro_conversions.ordered_string_agg('row_hash', 'row_hash', "','")) ~ ", '')"]) }}
        from (
            select {{ dbt.hash(dbt.concat(cells or ["''"])) }} as row_hash
            from {{ relation }}
        ) as seed_rows
    )
{%- endmacro %}

{#-
    The current inputs of model `name`, its own and those of the incremental models it reads:
    a dict input name -> SQL expression of its fingerprint (text). `cache` (a dict) keeps each
    model's inputs once worked out, so a caller asking for several models (the plan) walks each
    part of the graph once.
-#}
{% macro state_components(name, cache=none) -%}
    {%- set cache = {} if cache is none else cache -%}
    {%- if name in cache -%}
        {{ return(cache[name]) }}
    {%- endif -%}
    {%- set inputs = micro_conversions.state_inputs()[name] -%}
    {%- set found = micro_conversions.state_graph(name) -%}
    {%- set components = {
        'code ' ~ name: "'md5 " ~ local_md5((found['code'] | sort + micro_conversions.package_macro_code(found['models'])) | join('\n')) ~ "'",
    } -%}
    {%- for var_name in inputs['vars'] -%}
        {%- do components.update({
            'var ' ~ var_name: dbt.string_literal(micro_conversions.state_fingerprint(tojson(micro_conversions.setting(var_name))))
        }) -%}
    {%- endfor -%}
    {%- for rule in inputs['rules'] -%}
        {%- set implementation = micro_conversions.rule_implementations()[rule].macro -%}
        {%- do components.update({
            'rule ' ~ rule: "'" ~ implementation.package_name ~ '.' ~ implementation.name
                ~ ' md5 ' ~ local_md5(implementation.macro_sql) ~ "'"
        }) -%}
    {%- endfor -%}
    {%- for seed in found['seeds'] -%}
        {%- do components.update({'seed ' ~ seed.name: micro_conversions.seed_fingerprint_sql(seed)}) -%}
    {%- endfor -%}
    {%- for upstream in found['upstream'] -%}
        {%- do components.update(micro_conversions.state_components(upstream, cache)) -%}
    {%- endfor -%}
    {%- do cache.update({name: components}) -%}
    {{ return(components) }}
{%- endmacro %}

{#- SQL: one row per input of model `name` (model_name, input_name, fingerprint). -#}
{% macro state_components_sql(name, cache=none) -%}
    {%- set components = micro_conversions.state_components(name, cache) -%}
    {%- for input_name in components | sort %}
    select
        cast('{{ name }}' as {{ dbt.type_string() }}) as model_name,
        cast('{{ input_name }}' as {{ dbt.type_string() }}) as input_name,
        cast({{ components[input_name] }} as {{ dbt.type_string() }}) as fingerprint
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#-
    The plan (int_incremental_plan) when this invocation built it, else none. It was built before
    any incremental model of the invocation ran, from the same macros, and nothing it compares
    changes during the invocation except each model's own recorded state, which only that model's
    post-hook writes: so a model may read its comparison and its current inputs from the plan
    instead of working them out again. A selection that leaves the plan out makes each model work
    them out itself (the plan table could be stale).
-#}
{% macro plan_built_this_run() -%}
    {%- if not execute or 'model.micro_conversions.int_incremental_plan' not in selected_resources -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(ref('int_incremental_plan')) }}
{%- endmacro %}

{#- SQL: every input of model `name` whose current fingerprint differs from the recorded one. -#}
{% macro state_differences_sql(name, state_relation) -%}
    with

    current_inputs as (
        {{ micro_conversions.state_components_sql(name) }}
    ),

    recorded_inputs as (
        select input_name, fingerprint from {{ state_relation }}
        where model_name = '{{ name }}'
    )

    select
        coalesce(current_inputs.input_name, recorded_inputs.input_name) as input_name,
        recorded_inputs.fingerprint as recorded_fingerprint,
        current_inputs.fingerprint as current_fingerprint
    from current_inputs
    full outer join recorded_inputs
        on current_inputs.input_name = recorded_inputs.input_name
    where current_inputs.fingerprint is null
        or recorded_inputs.fingerprint is null
        or current_inputs.fingerprint != recorded_inputs.fingerprint
{%- endmacro %}

{#- "name (old -> new)" for a var, else the input's name. -#}
{% macro describe_state_change(input_name, recorded, current) -%}
    {%- if input_name.startswith('var ') and recorded is not none and current is not none -%}
        {{ return(input_name[4:] ~ ' (' ~ recorded ~ ' -> ' ~ current ~ ')') }}
    {%- elif recorded is none -%}
        {{ return(input_name ~ ' (new)') }}
    {%- endif -%}
    {{ return(input_name) }}
{%- endmacro %}

{#-
    Why model `name` must be rebuilt in full, at execution time: a list of the changed inputs,
    ['no recorded state'] when none was recorded, or [] when it may run incrementally. Read from
    the plan when this invocation built it (one query), else worked out from the graph.
-#}
{% macro state_changes(name) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set plan = micro_conversions.plan_built_this_run() -%}
    {%- if plan is not none -%}
        {%- set rows = run_query(
            "select input_name, recorded_fingerprint, current_fingerprint, input_status from " ~ plan
            ~ " where model_name = '" ~ name ~ "' and input_status != 'unchanged'").rows -%}
        {%- set changes = [] -%}
        {%- for row in rows -%}
            {%- if row[3] == 'no recorded state' -%}
                {{ return(['no recorded state']) }}
            {%- endif -%}
            {%- do changes.append(micro_conversions.describe_state_change(row[0], row[1], row[2])) -%}
        {%- endfor -%}
        {{ return(changes | sort) }}
    {%- endif -%}
    {%- set state = adapter.get_relation(database=this.database, schema=this.schema,
        identifier='int_incremental_state') -%}
    {%- if state is none -%}
        {{ return(['no recorded state']) }}
    {%- endif -%}
    {%- set recorded = run_query(
        "select count(*) from " ~ state ~ " where model_name = '" ~ name ~ "'").columns[0].values()[0] -%}
    {%- if recorded == 0 -%}
        {{ return(['no recorded state']) }}
    {%- endif -%}
    {%- set changes = [] -%}
    {%- for row in run_query(micro_conversions.state_differences_sql(name, state)).rows -%}
        {%- do changes.append(micro_conversions.describe_state_change(row[0], row[1], row[2])) -%}
    {%- endfor -%}
    {{ return(changes | sort) }}
{%- endmacro %}

{#-
    Post-hook: record the inputs the model's rows were just built from (same transaction): the
    plan's current inputs when this invocation built the plan, else worked out from the graph.
-#}
{% macro record_state_hook() -%}
    {%- if config.get('materialized') != 'incremental' -%}
        {{ return('') }}
    {%- endif -%}
    {%- set state = ref('int_incremental_state') -%}
    {%- set plan = micro_conversions.plan_built_this_run() -%}
    delete from {{ state }} where model_name = '{{ this.name }}';
    insert into {{ state }} (model_name, input_name, fingerprint, recorded_at, invocation_id)
    select
        model_name,
        input_name,
        fingerprint,
        {{ micro_conversions.processed_at() }},
        '{{ invocation_id }}'
    {%- if plan is not none %}
    from (
        select model_name, input_name, current_fingerprint as fingerprint
        from {{ plan }}
        where model_name = '{{ this.name }}' and current_fingerprint is not null
    ) as current_inputs
    {%- else %}
    from ({{ micro_conversions.state_components_sql(this.name) }}) as current_inputs
    {%- endif %}
{%- endmacro %}

{#-
    Post-hook of int_incremental_plan: one line saying what changed and what is rebuilt in full,
    or that every incremental model runs incrementally. Runs no SQL of its own.
-#}
{% macro report_incremental_plan() -%}
    {%- if execute -%}
        {%- set plan = run_query(
            "select model_name, input_name, recorded_fingerprint, current_fingerprint, input_status, is_full_rebuild"
            ~ " from " ~ this ~ " order by model_name, input_name") -%}
        {%- set rebuilt, changes, first = [], [], [] -%}
        {%- for row in plan.rows -%}
            {%- if row[5] and row[0] not in rebuilt -%}
                {%- do rebuilt.append(row[0]) -%}
            {%- endif -%}
            {%- if row[4] == 'no recorded state' -%}
                {%- if row[0] not in first -%}{%- do first.append(row[0]) -%}{%- endif -%}
            {%- elif row[4] != 'unchanged' -%}
                {%- set change = micro_conversions.describe_state_change(row[1], row[2], row[3]) -%}
                {%- if change not in changes -%}{%- do changes.append(change) -%}{%- endif -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if flags.FULL_REFRESH -%}
            {%- set message = '--full-refresh: every incremental model is rebuilt in full' -%}
        {%- elif not rebuilt -%}
            {%- set message = 'configuration unchanged since the last build: incremental models run incrementally' -%}
        {%- else -%}
            {%- set reasons = (['changed: ' ~ changes | sort | join(', ')] if changes else [])
                + (['no recorded state: ' ~ first | join(', ')] if first else []) -%}
            {%- set message = reasons | join('; ') ~ ' -> rebuilt in full: ' ~ rebuilt | join(', ') -%}
        {%- endif -%}
        {%- do log('micro_conversions incremental state: ' ~ message, info=True) -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
