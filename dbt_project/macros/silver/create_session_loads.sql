{% macro create_session_loads() -%}
    create schema if not exists {{ session_loads_relation().include(identifier=false) }};
    create table if not exists {{ session_loads_relation() }} (
        model varchar not null,
        session_id varchar not null,
        load_id varchar not null,
        loaded_at timestamp with time zone not null
    )
{%- endmacro %}
