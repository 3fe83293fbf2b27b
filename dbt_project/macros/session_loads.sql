{#- The silver load log: which silver run (dbt invocation) last rebuilt each session of each
    silver model. Every silver model writes its rows in the same transaction as its data
    (a pre-hook clears what it is replacing, a post-hook logs what it wrote), so a run of any
    subset of silver models is logged, and a failed one is not. Gold models that are incremental
    per session (macros/incremental_sessions.sql) compare it with what they last computed from.
    Created by on-run-start: never by concurrent model transactions. -#}

{% macro session_loads_relation() -%}
    {{ return(api.Relation.create(database=target.database, schema='silver', identifier='session_loads', type='table')) }}
{%- endmacro %}

{% macro create_session_loads() -%}
    create schema if not exists {{ session_loads_relation().include(identifier=false) }};
    create table if not exists {{ session_loads_relation() }} (
        model varchar not null,
        session_id varchar not null,
        load_id varchar not null,
        loaded_at timestamp with time zone not null
    )
{%- endmacro %}

{#- Pre-hook: forget this model's loads of the sessions it is about to replace (all of them on
    a full rebuild or a new table). -#}
{% macro forget_session_loads() -%}
    {%- set keys = selected_session_keys() -%}
    delete from {{ session_loads_relation() }} where model = '{{ this.identifier }}'
    {%- if is_incremental() and keys | length > 0 %}
        and {{ session_filter('session_id') }}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook: log the sessions the model now holds among the run's (all it holds on a full
    rebuild). A run's session with no rows here is not logged: a key with no bronze leaves no
    phantom load, and a session that had rows and now has none is still seen as changed, since
    the pre-hook forgot its old load (incremental gold compares the log with what it saw). -#}
{% macro log_session_loads() -%}
    insert into {{ session_loads_relation() }} (model, session_id, load_id, loaded_at)
    select distinct '{{ this.identifier }}', session_id, '{{ invocation_id }}', now()
    from {{ this }}
    {%- if is_incremental() and selected_session_keys() | length > 0 %}
    where {{ session_filter('session_id') }}
    {%- endif -%}
{%- endmacro %}
