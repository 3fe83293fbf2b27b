{% macro team_lineage_values() -%}
    (values
    {%- for ref, lineage in team_lineages().items() %}
        ('{{ ref }}', '{{ lineage[0] }}', {{ lineage[1] }}){% if not loop.last %},{% endif %}
    {%- endfor %}
    ) as lineage(team_id, lineage_key, lineage_order)
{%- endmacro %}
