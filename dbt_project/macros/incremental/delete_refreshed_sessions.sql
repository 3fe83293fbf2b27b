{#- Pre-hook: take out the sessions the build recomputes. -#}
{% macro delete_refreshed_sessions() -%}
    {{ return(adapter.dispatch('delete_refreshed_sessions')()) }}
{%- endmacro %}

{% macro default__delete_refreshed_sessions() -%}
    {{ delete_sessions_where(refreshed_sessions_filter('session_id')) }}
{%- endmacro %}

{#- Spark: the model is insert_overwrite by session_id, which replaces only the sessions it
    writes rows for; a recomputed session that now yields none must be emptied, so its
    partition is dropped first (every partition when every session is recomputed). -#}
{% macro spark__delete_refreshed_sessions() -%}
    {%- set sessions = refreshed_sessions() if is_incremental() else [] -%}
    {%- if sessions is none -%}
        truncate table {{ this }}
    {%- elif sessions | length > 0 -%}
        {{ drop_session_partitions(sessions) }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- Databricks: Delta takes DELETE and no partition drop: DuckDB's delete, then append. -#}
{% macro databricks__delete_refreshed_sessions() -%}
    {{ return(default__delete_refreshed_sessions()) }}
{%- endmacro %}
