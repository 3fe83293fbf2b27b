{#- `value` as a SQL string literal, quotes doubled: a data root such as "/Volumes/Driver's SSD"
    must reach SQL as data, never as syntax. -#}
{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}
