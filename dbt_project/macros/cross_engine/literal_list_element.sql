{#- The `index`-th (1-based) of a literal list of values, null outside it: what DuckDB's
    list_extract([...], i) gives. A CASE reads the same on every engine (Spark's element_at
    fails out of range under ANSI mode). -#}
{% macro literal_list_element(values, index) -%}
    case {{ index }}
    {%- for value in values %} when {{ loop.index }} then {{ value }}{% endfor %} end
{%- endmacro %}
