{#- The bronze seam: a bronze source table as a relation, only the run's sessions (all when none
    are selected), with its hive columns season/round/session as text. On DuckDB the Parquet
    files themselves (the bronze() macro: only the selected sessions' files are read); on Spark
    and Databricks the external table declared over them from the same source yml
    (f1_lakehouse/lib/spark/external_tables.py), pruned to the sessions by its partitions. -#}
{% macro bronze_relation(source_name, table) -%}
    {{ return(adapter.dispatch('bronze_relation')(source_name, table)) }}
{%- endmacro %}

{% macro default__bronze_relation(source_name, table) -%}
    {{ bronze(source_name, table) }}
{%- endmacro %}

{% macro spark__bronze_relation(source_name, table) -%}
    (select * from {{ source(source_name, table) }} where {{ bronze_session_filter() }})
{%- endmacro %}
