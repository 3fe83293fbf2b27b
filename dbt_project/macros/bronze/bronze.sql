{#- A bronze table as a relation, reading only the selected sessions' files, so a partition run
    never rescans history. A table with no files (a fresh root, or a source that never wrote
    this table, e.g. OpenF1 before 2023) becomes an empty relation typed from the source's
    declared columns, so every silver model builds whatever has landed. The source() call keeps
    the lineage (dbt and Dagster) on the bronze asset. -#}
{% macro bronze(source_name, table) -%}
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
