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

{#- Post-hook: log the run's sessions (also those that now have no rows: that is a change too),
    or, on a full rebuild, every session the model holds. -#}
{% macro log_session_loads() -%}
    {%- set keys = selected_session_keys() -%}
    insert into {{ session_loads_relation() }} (model, session_id, load_id, loaded_at)
    {%- if keys | length > 0 %}
    select '{{ this.identifier }}', session_id, '{{ invocation_id }}', now()
    from (values {% for key in keys %}('{{ key }}'){% if not loop.last %}, {% endif %}{% endfor %}) as run(session_id)
    {%- else %}
    select distinct '{{ this.identifier }}', session_id, '{{ invocation_id }}', now()
    from {{ this }}
    {%- endif -%}
{%- endmacro %}
