{#- The silver models the model reads, and a digest of its SQL, of the gold models between and
    of the project macros all of them call (a change in a macro such as samples_in_laps changes
    what the model computes as surely as a change in its SQL). -#}
{% macro model_lineage() -%}
    {%- set silver = [] -%}
    {%- set checksums = [model.checksum.checksum] -%}
    {%- set macros = [] -%}
    {%- do collect_macros(model.depends_on.macros, macros, checksums) -%}
    {%- do collect_upstream(model.depends_on.nodes, silver, checksums, macros) -%}
    {{ return({'silver': silver | sort, 'digest': local_md5(checksums | unique | sort | join('|'))}) }}
{%- endmacro %}
