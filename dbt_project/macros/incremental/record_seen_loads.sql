{% macro record_seen_loads() -%}
    create or replace table {{ seen_loads_relation() }} as
    select session_id, signature, '{{ model_lineage()['digest'] }}' as logic_digest
    from ({{ session_load_signatures() }}) as loads
{%- endmacro %}
