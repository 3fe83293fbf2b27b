{#- Gold models that are incremental per session. The gold step is unpartitioned (no
    session_keys), so such a model finds its own work in the silver load log
    (macros/session_loads.sql): per session, the loads of the silver models it reads (directly or
    through other gold models) form a signature, and the model records, in `<model>__seen_loads`
    (written in the same transaction as its rows), the signatures it has computed from. A session
    whose signature changed (new or re-landed in any of those silver models, or gone from them)
    is deleted and computed again; every other session is left alone and its silver never read.

    Every session is recomputed on a first build or --full-refresh, when no record exists (e.g.
    the model was a plain table before) and when the model's SQL, or a gold model it reads,
    changed since the record was written.

    Usage in a model whose rows are per session and read only per-session silver:
        {{ config(materialized='incremental', incremental_strategy='append',
                  on_schema_change='fail',
                  pre_hook="{{ delete_refreshed_sessions() }}",
                  post_hook="{{ record_seen_loads() }}") }}
        ... where {{ refreshed_sessions_filter('session_id') }} -#}

{% macro seen_loads_relation() -%}
    {{ return(api.Relation.create(
        database=this.database, schema=this.schema, identifier=this.identifier ~ '__seen_loads',
        type='table')) }}
{%- endmacro %}

{#- The models upstream of `node_ids` up to silver: silver ones into `silver`, the others'
    SQL checksums into `checksums`. -#}
{% macro collect_upstream(node_ids, silver, checksums) -%}
    {%- for node_id in node_ids -%}
        {%- set node = graph.nodes.get(node_id) -%}
        {%- if node and node.resource_type == 'model' -%}
            {%- if node.fqn[1] == 'silver' -%}
                {%- if node.alias not in silver -%}{%- do silver.append(node.alias) -%}{%- endif -%}
            {%- else -%}
                {%- do checksums.append(node.checksum.checksum) -%}
                {%- do collect_upstream(node.depends_on.nodes, silver, checksums) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{#- The silver models the model reads, and a digest of its SQL and of the gold models between. -#}
{% macro model_lineage() -%}
    {%- set silver = [] -%}
    {%- set checksums = [model.checksum.checksum] -%}
    {%- do collect_upstream(model.depends_on.nodes, silver, checksums) -%}
    {{ return({'silver': silver | sort, 'digest': local_md5(checksums | unique | sort | join('|'))}) }}
{%- endmacro %}

{#- True when the table exists; asked of DuckDB itself, not dbt's relation cache (which does not
    see a table an on-run-start hook created in the same run). -#}
{% macro table_exists(relation) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set sql -%}
        select count(*) from duckdb_tables()
        where database_name = '{{ relation.database }}' and schema_name = '{{ relation.schema }}'
          and table_name = '{{ relation.identifier }}'
    {%- endset -%}
    {{ return(run_query(sql).columns[0].values()[0] > 0) }}
{%- endmacro %}

{#- Per session, the silver loads the model depends on, as one comparable string. -#}
{% macro session_load_signatures() -%}
    {%- set log = session_loads_relation() -%}
    {%- if table_exists(log) -%}
        select session_id, string_agg(model || '=' || load_id, ',' order by model) as signature
        from {{ log }}
        where model in ({% for name in model_lineage()['silver'] %}'{{ name }}'{% if not loop.last %}, {% endif %}{% endfor %})
        group by session_id
    {%- else -%}
        select null::varchar as session_id, null::varchar as signature where false
    {%- endif -%}
{%- endmacro %}

{#- The sessions to recompute, sorted; none means every session. -#}
{% macro refreshed_sessions() -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set seen = seen_loads_relation() -%}
    {%- if not table_exists(seen) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set digests = run_query('select distinct logic_digest from ' ~ seen).columns[0].values() | list -%}
    {%- if digests | length > 0 and digests != [model_lineage()['digest']] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set sql -%}
        select coalesce(loads.session_id, seen.session_id) as session_id
        from ({{ session_load_signatures() }}) as loads
        full join {{ seen }} as seen on seen.session_id = loads.session_id
        where loads.signature is distinct from seen.signature
        order by 1
    {%- endset -%}
    {{ return(run_query(sql).columns[0].values() | list) }}
{%- endmacro %}

{#- A filter on the sessions to recompute. -#}
{% macro refreshed_sessions_filter(column='session_id') -%}
    {%- set sessions = refreshed_sessions() -%}
    {%- if sessions is none -%}
        true
    {%- elif sessions | length == 0 -%}
        false
    {%- else -%}
        {{ keys_in(column, sessions) }}
    {%- endif -%}
{%- endmacro %}

{% macro delete_refreshed_sessions() -%}
    {{ delete_sessions_where(refreshed_sessions_filter('session_id')) }}
{%- endmacro %}

{% macro record_seen_loads() -%}
    create or replace table {{ seen_loads_relation() }} as
    select session_id, signature, '{{ model_lineage()['digest'] }}' as logic_digest
    from ({{ session_load_signatures() }}) as loads
{%- endmacro %}
