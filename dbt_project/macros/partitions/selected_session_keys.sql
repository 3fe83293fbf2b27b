{#- The session keys a run rebuilds, validated before they reach SQL. -#}
{% macro selected_session_keys() -%}
    {%- set keys = var('session_keys', []) -%}
    {%- if keys is string -%}{%- set keys = [keys] -%}{%- endif -%}
    {%- for key in keys -%}{%- do session_key_literal(key) -%}{%- endfor -%}
    {{ return(keys) }}
{%- endmacro %}
