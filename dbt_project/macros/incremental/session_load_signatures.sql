{#- Per session, the silver loads the model depends on, as one comparable string. A session's
    current load per model is its newest: DuckDB's log holds one per model and session (a
    rebuild forgets the old one), Spark's is insert-only. -#}
{% macro session_load_signatures() -%}
    {%- set log = session_loads_relation() -%}
    {%- if table_exists(log) -%}
        select
            session_id,
            {{ string_agg_ordered("model || '=' || load_id", "','", 'model') }} as signature
        from (
            select model, session_id, max_by(load_id, loaded_at) as load_id
            from {{ log }}
            where model in ({% for name in model_lineage()['silver'] %}'{{ name }}'{% if not loop.last %}, {% endif %}{% endfor %})
            group by model, session_id
        ) as latest
        group by session_id
    {%- else -%}
        select cast(null as string) as session_id, cast(null as string) as signature where false
    {%- endif -%}
{%- endmacro %}
