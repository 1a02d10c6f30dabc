{#-
    The package's settings: each is a dbt var, read through `setting(name)`, whose default lives
    here and only here (README "Configuration" lists them; a test keeps the two equal). Override
    any of them in your dbt_project.yml `vars:` or with `--vars`.

    In a unit test, a setting the test does not override itself reads its default, never the
    project's value: the hand-worked cases hold whatever a project configures.
-#}
{% macro setting_defaults() -%}
    {{ return({
        'micro_conversions__raw_events_relation': none,
        'micro_conversions__raw_events_format': 'contract',
        'micro_conversions__ga4_revenue_column': 'purchase_revenue_in_usd',
        'micro_conversions__goals_relation': none,
        'micro_conversions__session_intents_relation': none,
        'micro_conversions__funnels_relation': none,
        'micro_conversions__funnel_steps_relation': none,
        'micro_conversions__funnel_exclusions_relation': none,
        'micro_conversions__visitor_segments_relation': none,
        'micro_conversions__channel_rules_relation': none,
        'micro_conversions__referrer_sources_relation': none,
        'micro_conversions__schema': 'micro_conversions',
        'micro_conversions__session_timeout_minutes': 30,
        'micro_conversions__split_sessions_at_midnight': false,
        'micro_conversions__session_time_zone': 'UTC',
        'micro_conversions__split_sessions_on_new_source': false,
        'micro_conversions__use_tracker_session_id': false,
        'micro_conversions__exclude_bot_events': true,
        'micro_conversions__engaged_min_seconds': 10,
        'micro_conversions__engaged_min_page_views': 2,
        'micro_conversions__default_intent': 'browsing',
        'micro_conversions__min_event_at': '2000-01-01',
        'micro_conversions__max_future_skew_hours': 24,
        'micro_conversions__staging_lookback_hours': 1,
        'micro_conversions__max_quarantined_share': 0.05,
        'micro_conversions__key_tests_scope': 'since_last_pass',
        'micro_conversions__allowed_query_parameters': [
            'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'gclid', 'fbclid', 'msclkid'],
        'micro_conversions__internal_hosts': [],
        'micro_conversions__bot_user_agent_regex':
            'bot|crawl|spider|slurp|scrapy|headless|phantomjs|python-requests|python-urllib|curl/|wget|'
            ~ 'httpclient|java/|go-http-client|facebookexternalhit|lighthouse|pingdom|uptime',
        'micro_conversions__lift_min_visitors': 30,
        'micro_conversions__lift_min_conversions': 5,
        'micro_conversions__max_goal_paths': 20,
        'micro_conversions__max_goal_path_length': 3,
        'micro_conversions__min_goal_path_visitors': 5,
        'micro_conversions__anomaly_trailing_days': 28,
        'micro_conversions__anomaly_stddevs': 3,
        'micro_conversions__anomaly_min_history_days': 7,
        'micro_conversions__anomaly_min_sessions': 30,
        'micro_conversions__attribution_lookback_days': 30,
        'micro_conversions__attribution_half_life_days': 7,
        'micro_conversions__bi_roles': [],
    }) }}
{%- endmacro %}

{#- The value of setting `name`: the project's var, else the default (in unit tests: see above). -#}
{% macro setting(name) -%}
    {%- set defaults = micro_conversions.setting_defaults() -%}
    {%- if name not in defaults -%}
        {{ exceptions.raise_compiler_error("unknown micro_conversions setting '" ~ name ~ "'") }}
    {%- endif -%}
    {%- if micro_conversions.in_unit_test() -%}
        {%- set overridden = ((model.get('overrides') or {}).get('vars') or {}) -%}
        {%- if name not in overridden -%}
            {{ return(defaults[name]) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(var(name, defaults[name])) }}
{%- endmacro %}

{#- True while a unit test compiles its model (settings, rules and inputs then keep the package's own). -#}
{% macro in_unit_test() -%}
    {{ return(model is defined and model is mapping and model.get('resource_type') == 'unit_test') }}
{%- endmacro %}
