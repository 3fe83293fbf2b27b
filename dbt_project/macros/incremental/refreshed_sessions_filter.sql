{#- A filter on the sessions to recompute. -#}
{% macro refreshed_sessions_filter(column='session_id') -%}
    {%- set sessions = refreshed_sessions() -%}
    {%- if sessions is none -%}
        true
    {%- elif sessions | length == 0 -%}
        false
    {%- else -%}
        {{ keys_in(column, sessions) }}
    {%- endif -%}
{%- endmacro %}
