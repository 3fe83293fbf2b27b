{#- 'm:ss.sss' (race control's lap-time text) as integer milliseconds. -#}
{% macro lap_time_text_ms(text) -%}
    (cast(split_part({{ text }}, ':', 1) as bigint) * 60000
        + cast(round(cast(split_part({{ text }}, ':', 2) as double) * 1000) as bigint))
{%- endmacro %}
