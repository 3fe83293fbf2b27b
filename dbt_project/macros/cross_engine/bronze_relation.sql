{#- The bronze seam: a bronze source table as a relation, only the run's sessions (all when none
    are selected), with its hive columns season/round/session as text. On DuckDB the Parquet
    files themselves (only the selected sessions' files are read, so a partition run never
    rescans history); on Spark and Databricks the external table declared over them from the
    same source yml (f1_lakehouse/lib/spark/external_tables.py), pruned to the sessions by its
    partitions. The source() call keeps the lineage (dbt and Dagster) on the bronze asset. -#}
{% macro bronze_relation(source_name, table) -%}
    {{ return(adapter.dispatch('bronze_relation')(source_name, table)) }}
{%- endmacro %}

{#- A table with no files (a fresh root, or a source that never wrote this table, e.g. OpenF1
    before 2023) becomes an empty relation typed from the source's declared columns, so every
    silver model builds whatever has landed. -#}
{% macro default__bronze_relation(source_name, table) -%}
    {%- set relation = source(source_name, table) -%}
    {%- set files = bronze_files(source_name, table) -%}
    {%- if files | length > 0 -%}
        read_parquet([{% for f in files %}{{ sql_string(f) }}{% if not loop.last %}, {% endif %}{% endfor %}],
            hive_partitioning = true, hive_types_autocast = false, union_by_name = true)
    {%- elif execute and graph.get('sources') is none -%}
        {#- a unit test: source() is the test's given rows -#}
        (select * from {{ relation }} where false)
    {%- else -%}
        {%- set node = graph.sources.get('source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table) if execute else none -%}
        (select
            {%- if node %}
            {%- for column in node.columns.values() %}
            cast(null as {{ column.data_type }}) as {{ column.name }},
            {%- endfor %}
            {%- endif %}
            cast(null as varchar) as season,
            cast(null as varchar) as round,
            cast(null as varchar) as session
        where false)
    {%- endif -%}
{%- endmacro %}

{% macro spark__bronze_relation(source_name, table) -%}
    (select * from {{ source(source_name, table) }} where {{ bronze_session_filter() }})
{%- endmacro %}
