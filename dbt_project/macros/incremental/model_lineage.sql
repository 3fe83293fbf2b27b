{#- The silver models the model reads, and a digest of its SQL and of the gold models between. -#}
{% macro model_lineage() -%}
    {%- set silver = [] -%}
    {%- set checksums = [model.checksum.checksum] -%}
    {%- do collect_upstream(model.depends_on.nodes, silver, checksums) -%}
    {{ return({'silver': silver | sort, 'digest': local_md5(checksums | unique | sort | join('|'))}) }}
{%- endmacro %}
