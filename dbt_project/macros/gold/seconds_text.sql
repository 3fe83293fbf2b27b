{#- Milliseconds as seconds with three decimals ('20.945'), for gaps as the classification prints them. -#}
{% macro seconds_text(ms) -%}
    printf('%.3f', {{ ms }} / 1000.0)
{%- endmacro %}
