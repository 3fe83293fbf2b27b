{#- Incremental silver replaces the selected sessions whole: delete them, then append them. -#}
{% macro delete_selected_sessions() -%}
    {{ return(adapter.dispatch('delete_selected_sessions')()) }}
{%- endmacro %}

{% macro default__delete_selected_sessions() -%}
    {{ delete_sessions_where(session_filter('session_id')) }}
{%- endmacro %}

{#- Spark: insert_overwrite replaces only the session_id partitions the run writes, so a re-run
    session that now yields no rows would keep its old rows: drop the run's partitions first
    (all of them on a run of every session, as DuckDB deletes every row then). A Parquet table
    takes no DELETE; a partition that does not exist is no error. Unlike DuckDB's delete, the
    drop is not in one transaction with the write. -#}
{% macro spark__delete_selected_sessions() -%}
    {%- set keys = selected_session_keys() -%}
    {%- if is_incremental() and keys | length > 0 -%}
        {{ drop_session_partitions(keys) }}
    {%- elif is_incremental() -%}
        truncate table {{ this }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- Databricks: Delta takes DELETE and no partition drop: DuckDB's delete, then append. -#}
{% macro databricks__delete_selected_sessions() -%}
    {{ return(default__delete_selected_sessions()) }}
{%- endmacro %}
