{% macro create_session_loads() -%}
    {{ return(adapter.dispatch('create_session_loads')()) }}
{%- endmacro %}

{% macro default__create_session_loads() -%}
    create schema if not exists {{ session_loads_relation().include(identifier=false) }};
    create table if not exists {{ session_loads_relation() }} (
        model varchar not null,
        session_id varchar not null,
        load_id varchar not null,
        loaded_at timestamp with time zone not null
    )
{%- endmacro %}

{#- Spark: one statement per call (its session runs no `;`-separated script), so the schema
    comes first through run_query; `timestamp` is UTC there (spark.sql.session.timeZone). -#}
{% macro spark__create_session_loads() -%}
    {%- if execute -%}
        {%- do run_query('create schema if not exists ' ~ session_loads_relation().include(identifier=false)) -%}
    {%- endif %}
    create table if not exists {{ session_loads_relation() }} (
        model string not null,
        session_id string not null,
        load_id string not null,
        loaded_at timestamp not null
    )
{%- endmacro %}
