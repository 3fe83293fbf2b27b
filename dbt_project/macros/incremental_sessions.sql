{#- Gold models that are incremental per session. The gold step is unpartitioned (no
    session_keys), so such a model finds its own work: silver_session_loads names the silver run
    that last rebuilt each session, and the model records, in `<model>__seen_loads` (written in
    the same transaction as its rows), the loads it has computed from. A session whose load
    differs from the one recorded (a new or re-landed session), or that silver no longer holds,
    is deleted and computed again; every other session is left alone and its silver never read.

    Every session is recomputed on a first build or --full-refresh, when no record exists (e.g.
    the model was a plain table before) and when the model's SQL, or a gold model it reads,
    changed since the record was written.

    Usage in a model:
        {{ config(materialized='incremental', incremental_strategy='append',
                  on_schema_change='fail',
                  pre_hook="{{ delete_refreshed_sessions() }}",
                  post_hook="{{ record_seen_loads() }}") }}
        -- depends_on: {{ ref('silver_session_loads') }}
        ... where {{ refreshed_sessions_filter('session_id') }} -#}

{% macro seen_loads_relation() -%}
    {{ return(api.Relation.create(
        database=this.database, schema=this.schema, identifier=this.identifier ~ '__seen_loads',
        type='table')) }}
{%- endmacro %}

{#- A digest of the model's SQL and of the gold models it reads: rows computed by other logic
    are not reused. -#}
{% macro model_logic_digest() -%}
    {%- set parts = [model.checksum.checksum] -%}
    {%- for node_id in model.depends_on.nodes | sort -%}
        {%- set node = graph.nodes.get(node_id) -%}
        {%- if node and node.resource_type == 'model' and node.fqn[1] != 'silver' -%}
            {%- do parts.append(node.checksum.checksum) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('|'))) }}
{%- endmacro %}

{#- The sessions to recompute, sorted; none means every session. -#}
{% macro refreshed_sessions() -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set seen = seen_loads_relation() -%}
    {%- if adapter.get_relation(seen.database, seen.schema, seen.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set digests = run_query('select distinct logic_digest from ' ~ seen).columns[0].values() | list -%}
    {%- if digests != [model_logic_digest()] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set sql -%}
        select coalesce(loads.session_id, seen.session_id) as session_id
        from {{ ref('silver_session_loads') }} as loads
        full join {{ seen }} as seen on seen.session_id = loads.session_id
        where loads.load_id is distinct from seen.load_id
        order by 1
    {%- endset -%}
    {{ return(run_query(sql).columns[0].values() | list) }}
{%- endmacro %}

{#- A filter on the sessions to recompute, with the keys inlined as literals so DuckDB prunes
    row groups by their min/max statistics. -#}
{% macro refreshed_sessions_filter(column='session_id') -%}
    {%- set sessions = refreshed_sessions() -%}
    {%- if sessions is none -%}
        true
    {%- elif sessions | length == 0 -%}
        false
    {%- else -%}
        {{ column }} in ({% for key in sessions %}'{{ key }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{% macro delete_refreshed_sessions() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ refreshed_sessions_filter('session_id') }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{% macro record_seen_loads() -%}
    create or replace table {{ seen_loads_relation() }} as
    select session_id, load_id, '{{ model_logic_digest() }}' as logic_digest
    from {{ ref('silver_session_loads') }}
{%- endmacro %}
