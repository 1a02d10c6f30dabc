{#-
    Where the package's seeds and models are built.

    - In this repository's own builds (the project is the root project): dbt's default, the
      target schema (or `<target schema>_<custom>` for a node configured with a custom schema).
    - Installed as a package in a host project, dbt uses this macro for the package's own nodes
      only: every seed and model goes to `<target schema>_<micro_conversions__schema>` (default
      `micro_conversions`), so no name of the package can collide with one of the host's, and
      each mart keeps its name (`fct_sessions`). A custom schema the host configures for the
      package's nodes (`+schema`) is used instead, as dbt's default would.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if project_name != 'micro_conversions' and node is not none and node.package_name == 'micro_conversions' -%}
        {%- set suffix = custom_schema_name | trim if custom_schema_name else micro_conversions.setting('micro_conversions__schema') -%}
        {{ return(target.schema ~ '_' ~ suffix) }}
    {%- endif -%}
    {{ return(dbt.default__generate_schema_name(custom_schema_name, node)) }}
{%- endmacro %}
