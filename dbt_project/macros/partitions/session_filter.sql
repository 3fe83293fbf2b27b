{#- `session_id in (...)` for the selected sessions (true when none are selected): how a silver
    model reads other silver models of the same run without rescanning the rest. -#}
{% macro session_filter(column='session_id') -%}
    {%- set keys = selected_session_keys() -%}
    {%- if keys | length == 0 -%}
        true
    {%- else -%}
        {{ keys_in(column, keys) }}
    {%- endif -%}
{%- endmacro %}
