{#- Incremental silver replaces the selected sessions whole: delete them, then append them. -#}
{% macro delete_selected_sessions() -%}
    {{ delete_sessions_where(session_filter('session_id')) }}
{%- endmacro %}
