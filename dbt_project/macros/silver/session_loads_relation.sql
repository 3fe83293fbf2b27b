{#- The silver load log: which silver run (dbt invocation) last rebuilt each session of each
    silver model. Every silver model writes its rows in the same transaction as its data
    (a pre-hook clears what it is replacing, a post-hook logs what it wrote), so a run of any
    subset of silver models is logged, and a failed one is not. Gold models that are incremental
    per session (macros/incremental/refreshed_sessions.sql) compare it with what they last computed from.
    Created by on-run-start: never by concurrent model transactions. -#}

{% macro session_loads_relation() -%}
    {{ return(adapter.dispatch('session_loads_relation')()) }}
{%- endmacro %}

{% macro default__session_loads_relation() -%}
    {{ return(api.Relation.create(database=target.database, schema='silver', identifier='session_loads', type='table')) }}
{%- endmacro %}

{#- Spark has no database above the schema (dbt-spark leaves target.database undefined);
    dbt-databricks falls back here too and puts the schema in the target's catalog. -#}
{% macro spark__session_loads_relation() -%}
    {{ return(api.Relation.create(schema='silver', identifier='session_loads', type='table')) }}
{%- endmacro %}
