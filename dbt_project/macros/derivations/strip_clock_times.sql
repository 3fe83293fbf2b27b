{#- Race control stamps messages with track-local clock times (hh:mm:ss): not part of a reason. -#}
{% macro strip_clock_times(text) -%}
    {{ regexp_replace_all(text, "'\d\d:\d\d:\d\d'", "''") }}
{%- endmacro %}
