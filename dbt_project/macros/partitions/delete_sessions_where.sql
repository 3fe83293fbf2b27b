{#- Pre-hook of a model incremental per session: delete the sessions `filter` names (they are
    appended again); nothing to delete while the table is built whole. -#}
{% macro delete_sessions_where(filter) -%}
    {{ return(adapter.dispatch('delete_sessions_where')(filter)) }}
{%- endmacro %}

{% macro default__delete_sessions_where(filter) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ filter }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- Spark: nothing to delete (Parquet tables take no DELETE): the model is incremental by
    insert_overwrite partitioned by session_id (dbt_project.yml), so its write replaces the
    sessions it yields rows for. -#}
{% macro spark__delete_sessions_where(filter) -%}
    select 1
{%- endmacro %}

{#- Databricks: Delta tables take DELETE, so the model deletes then appends, as on DuckDB
    (dbt-databricks would otherwise fall back on the spark__ form). -#}
{% macro databricks__delete_sessions_where(filter) -%}
    {{ return(default__delete_sessions_where(filter)) }}
{%- endmacro %}
