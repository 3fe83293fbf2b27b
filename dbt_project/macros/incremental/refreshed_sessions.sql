{#- Gold models that are incremental per session. The gold step is unpartitioned (no
    session_keys), so such a model finds its own work in the silver load log
    (macros/silver/session_loads_relation.sql): per session, the loads of the silver models it
    reads (directly or through other gold models) form a signature, and the model records, in
    `<model>__seen_loads` (written in the same transaction as its rows), the signatures it has
    computed from. A session whose signature changed (new or re-landed in any of those silver
    models, or gone from them) is deleted and computed again; every other session is left alone
    and its silver never read.

    Every session is recomputed on a first build or --full-refresh, when no record exists (e.g.
    the model was a plain table before) and when the model's SQL, a gold model it reads, or a
    project macro any of them calls changed since the record was written (model_lineage).

    Usage in a model whose rows are per session and read only per-session silver:
        {{ config(materialized='incremental', incremental_strategy='append',
                  on_schema_change='fail',
                  pre_hook="{{ delete_refreshed_sessions() }}",
                  post_hook="{{ record_seen_loads() }}") }}
        ... where {{ refreshed_sessions_filter('session_id') }} -#}

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
