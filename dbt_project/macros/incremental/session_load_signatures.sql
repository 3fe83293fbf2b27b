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
