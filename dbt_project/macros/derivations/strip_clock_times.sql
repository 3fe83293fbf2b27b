{#- Race control stamps messages with track-local clock times (hh:mm:ss): not part of a reason. -#}
{% macro strip_clock_times(text) -%}
    {{ return(adapter.dispatch('strip_clock_times')(text)) }}
{%- endmacro %}

{% macro default__strip_clock_times(text) -%}
    regexp_replace({{ text }}, '\d\d:\d\d:\d\d', '', 'g')
{%- endmacro %}
