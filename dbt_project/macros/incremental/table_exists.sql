{#- True when the table exists; asked of DuckDB itself, not dbt's relation cache (which does not
    see a table an on-run-start hook created in the same run). -#}
{% macro table_exists(relation) -%}
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
