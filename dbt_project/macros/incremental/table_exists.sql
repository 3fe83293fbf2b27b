{#- True when the table exists; asked of the engine itself, not dbt's relation cache (which does
    not see a table an on-run-start hook created in the same run). -#}
{% macro table_exists(relation) -%}
    {{ return(adapter.dispatch('table_exists')(relation)) }}
{%- endmacro %}

{% macro default__table_exists(relation) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set sql -%}
        select count(*) from duckdb_tables()
        where database_name = '{{ relation.database }}' and schema_name = '{{ relation.schema }}'
          and table_name = '{{ relation.identifier }}'
    {%- endset -%}
    {{ return(run_query(sql).columns[0].values()[0] > 0) }}
{%- endmacro %}

{#- Spark (and Databricks): the catalog's table list of the schema; a missing schema has none. -#}
{% macro spark__table_exists(relation) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set schemas = run_query("show schemas like '" ~ relation.schema ~ "'") -%}
    {%- if schemas | length == 0 -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set tables = run_query(
        "show tables in " ~ relation.schema ~ " like '" ~ relation.identifier ~ "'") -%}
    {{ return(tables | length > 0) }}
{%- endmacro %}
