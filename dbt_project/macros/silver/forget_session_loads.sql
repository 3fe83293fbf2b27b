{#- Pre-hook: forget this model's loads of the sessions it is about to replace (all of them on
    a full rebuild or a new table). -#}
{% macro forget_session_loads() -%}
    {{ return(adapter.dispatch('forget_session_loads')()) }}
{%- endmacro %}

{% macro default__forget_session_loads() -%}
    {%- set keys = selected_session_keys() -%}
    delete from {{ session_loads_relation() }} where model = '{{ this.identifier }}'
    {%- if is_incremental() and keys | length > 0 %}
        and {{ session_filter('session_id') }}
    {%- endif -%}
{%- endmacro %}

{#- Spark: the log is insert-only (a Parquet table takes no DELETE): a session's newest load
    per model is its current one (gold's readers of the log are not ported to Spark yet). -#}
{% macro spark__forget_session_loads() -%}
    select 1
{%- endmacro %}
