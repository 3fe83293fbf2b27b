{#- Post-hook: the signatures the model has now computed from. DuckDB writes them in the same
    transaction as the model's rows. -#}
{% macro record_seen_loads() -%}
    {{ return(adapter.dispatch('record_seen_loads')()) }}
{%- endmacro %}

{% macro default__record_seen_loads() -%}
    create or replace table {{ seen_loads_relation() }} as
    {{ seen_loads_select() }}
{%- endmacro %}

{#- Spark has no transaction spanning the model and this record, and needs none: the record is
    written after the rows, so a failure between leaves an older record, and the next build
    recomputes those sessions again (insert_overwrite replaces them). A Parquet table cannot be
    replaced in one statement, so it is created once and overwritten. -#}
{% macro spark__record_seen_loads() -%}
    {%- if execute -%}
        {%- do run_query(
            'create table if not exists ' ~ seen_loads_relation()
            ~ ' (session_id string, signature string, logic_digest string) using parquet') -%}
    {%- endif %}
    insert overwrite table {{ seen_loads_relation() }}
    {{ seen_loads_select() }}
{%- endmacro %}
