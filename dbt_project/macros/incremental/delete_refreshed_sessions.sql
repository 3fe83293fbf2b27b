{% macro delete_refreshed_sessions() -%}
    {{ delete_sessions_where(refreshed_sessions_filter('session_id')) }}
{%- endmacro %}
