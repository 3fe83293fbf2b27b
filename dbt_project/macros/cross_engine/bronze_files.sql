{#- The bronze files of one table for the selected sessions (all sessions when none are
    selected), found with DuckDB's glob() when the model runs. Spark and Databricks read the
    declared external tables instead (bronze_relation): no file listing there. -#}
{% macro bronze_files(source_name, table) -%}
    {{ return(adapter.dispatch('bronze_files')(source_name, table)) }}
{%- endmacro %}

{% macro default__bronze_files(source_name, table) -%}
    {%- set folder = source_name | replace('bronze_', '') -%}
    {%- set base = var('f1_lakehouse_root', env_var('F1_LAKEHOUSE_ROOT', '../.lakehouse')) ~ '/bronze/' ~ folder ~ '/' ~ table -%}
    {%- set keys = selected_session_keys() -%}
    {%- set patterns = [] -%}
    {%- if keys | length == 0 -%}
        {%- do patterns.append(base ~ '/*/*/*/*.parquet') -%}
    {%- else -%}
        {%- for key in keys -%}
            {%- set parts = key.split('-') -%}
            {%- do patterns.append(base ~ '/season=' ~ parts[0] ~ '/round=' ~ parts[1]
                ~ '/session=' ~ parts[2] ~ '/*.parquet') -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set files = [] -%}
    {%- if execute -%}
        {%- set sql -%}
            {% for pattern in patterns %}select file from glob({{ sql_string(pattern) }}){% if not loop.last %} union all {% endif %}{% endfor %}
            order by file
        {%- endset -%}
        {%- for row in run_query(sql) -%}{%- do files.append(row[0]) -%}{%- endfor -%}
    {%- endif -%}
    {{ return(files) }}
{%- endmacro %}

{% macro spark__bronze_files(source_name, table) -%}
    {{ exceptions.raise_compiler_error(
        "bronze_files() lists files for DuckDB only; on " ~ target.type
        ~ " read bronze through bronze_relation()") }}
{%- endmacro %}
