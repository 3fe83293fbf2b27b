{#- The models upstream of `node_ids` up to silver: silver ones into `silver`, the others'
    SQL checksums, and those of the project macros they call, into `checksums`. -#}
{% macro collect_upstream(node_ids, silver, checksums, macros) -%}
    {%- for node_id in node_ids -%}
        {%- set node = graph.nodes.get(node_id) -%}
        {%- if node and node.resource_type == 'model' -%}
            {%- if node.fqn[1] == 'silver' -%}
                {%- if node.alias not in silver -%}{%- do silver.append(node.alias) -%}{%- endif -%}
            {%- else -%}
                {%- do checksums.append(node.checksum.checksum) -%}
                {%- do collect_macros(node.depends_on.macros, macros, checksums) -%}
                {%- do collect_upstream(node.depends_on.nodes, silver, checksums, macros) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}
