{#- Milliseconds as seconds with three decimals ('20.945'), for gaps as the classification prints them.
    A double on every engine (Spark's 1000.0 is a decimal, which its printf rejects). -#}
{% macro seconds_text(ms) -%}
    printf('%.3f', cast({{ ms }} as double) / 1000)
{%- endmacro %}
