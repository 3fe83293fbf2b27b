{#- A filter on bronze's hive columns: prunes files to the selected sessions. -#}
{% macro bronze_session_filter() -%}
    {%- set keys = selected_session_keys() -%}
    {%- if keys | length == 0 -%}
        true
    {%- else -%}
        ({%- for key in keys -%}
            {%- set parts = key.split('-') -%}
            (season = '{{ parts[0] }}' and round = '{{ parts[1] }}' and session = '{{ parts[2] }}')
            {%- if not loop.last %} or {% endif -%}
        {%- endfor -%})
    {%- endif -%}
{%- endmacro %}
