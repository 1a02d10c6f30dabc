{#- URL pieces, portable through regexp_extract. Each returns null when the piece is absent. -#}

{#- scheme://[userinfo@]host[:port]: the host, lower-cased, without a leading 'www.'. -#}
{% macro url_host(url) -%}
    {%- set host = micro_conversions.regexp_extract(url, '^[a-zA-Z][a-zA-Z0-9+.-]*://([^/?#@]*@)?([^/?#:]*)', 2) -%}
    nullif({{ micro_conversions.regexp_replace_all('lower(' ~ host ~ ')', '^www\\.', '') }}, '')
{%- endmacro %}

{#- The path: after the host for an absolute URL, before '?' or '#' for a relative one; '/' when empty. -#}
{% macro url_path(url) -%}
    coalesce(
        nullif(
            case
                when {{ micro_conversions.regexp_matches(url, "'^[a-zA-Z][a-zA-Z0-9+.-]*://'") }}
                    then {{ micro_conversions.regexp_extract(url, '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*([^?#]*)', 1) }}
                else {{ micro_conversions.regexp_extract(url, '^([^?#]*)', 1) }}
            end,
            ''
        ),
        '/'
    )
{%- endmacro %}

{#- The scheme, lower-cased ('https'). -#}
{% macro url_scheme(url) -%}
    lower({{ micro_conversions.regexp_extract(url, '^([a-zA-Z][a-zA-Z0-9+.-]*)://', 1) }})
{%- endmacro %}

{#- The raw (still URL-encoded) value of query parameter `name`; null when absent or empty. -#}
{% macro url_parameter(url, name) -%}
    nullif({{ micro_conversions.regexp_extract(url, '[?&]' ~ name ~ '=([^&#]*)', 1) }}, '')
{%- endmacro %}

{#- A query parameter value with '+' and '%20' read as spaces (the common encodings of a space). -#}
{% macro url_decode_spaces(value) -%}
    replace(replace({{ value }}, '+', ' '), '%20', ' ')
{%- endmacro %}

{#- Replaces e-mail addresses (also with '@' encoded as %40) by 'redacted-email'. -#}
{% macro redact_emails(expression) -%}
    {{ micro_conversions.regexp_replace_all(expression, '[A-Za-z0-9._%+-]+(@|%40)[A-Za-z0-9.-]+\\.[A-Za-z]{2,}', 'redacted-email') }}
{%- endmacro %}

{#- Query parameters staging always reads to attribute traffic (kept in the URL only if allow-listed). -#}
{% macro attribution_parameters() -%}
    {{ return(['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'gclid', 'msclkid']) }}
{%- endmacro %}

{#-
    The allow-listed query parameters as 'name=value' joined by '&' in the order given, from
    columns named `prefix` ~ name; null when none is present.
-#}
{% macro query_string(names, prefix='param_') -%}
    nullif(concat_ws('&'
        {%- for name in names -%}
        , case when {{ prefix }}{{ name }} is not null then {{ dbt.concat(["'" ~ name ~ "='", prefix ~ name]) }} end
        {%- endfor -%}
    ), '')
{%- endmacro %}

{#- ", <value> as <prefix><name>" for each query parameter name: the raw value, e-mails redacted. -#}
{% macro url_parameter_columns(url, names, prefix) -%}
    {%- for name in names -%}
        , {{ micro_conversions.redact_emails(micro_conversions.url_parameter(url, name)) }} as {{ prefix }}{{ name }}
    {%- endfor -%}
{%- endmacro %}

{#-
    Pairs (key, page_path) of each rule in `rules` with each distinct page path of `events` that
    its regular expression matches: the regular expressions run once per distinct path, never once
    per event. Rules without a regex are left out.
-#}
{% macro page_paths_matching(rules, key_column, regex_column, events) -%}
    select
        rules.{{ key_column }},
        page_paths.page_path
    from {{ rules }} as rules
    inner join (select distinct page_path from {{ events }}) as page_paths
        on {{ micro_conversions.regexp_matches('page_paths.page_path', 'rules.' ~ regex_column) }}
    where rules.{{ regex_column }} is not null
{%- endmacro %}
