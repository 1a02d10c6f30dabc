{#-
    References inside this package's models, without the database part on DuckDB: a view stored
    in a DuckDB file then names `schema.table`, not the file's catalog name, so a copied or
    renamed database file still opens and every view still reads (README "Working database").
-#}
{% macro ref() -%}
    {%- set relation = builtins.ref(*varargs, **kwargs) -%}
    {%- if target.type == 'duckdb' and relation is not none and relation.include is defined -%}
        {{ return(relation.include(database=false)) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
