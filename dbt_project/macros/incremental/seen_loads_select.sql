{#- The rows of `<model>__seen_loads`: per session, the signature the model computed from, and
    the digest of its logic. -#}
{% macro seen_loads_select() -%}
    select session_id, signature, '{{ model_lineage()['digest'] }}' as logic_digest
    from ({{ session_load_signatures() }}) as loads
{%- endmacro %}
