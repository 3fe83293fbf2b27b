{#- The session keys a run rebuilds, validated before they reach SQL. -#}
{% macro selected_session_keys() -%}
    {%- set keys = var('session_keys', []) -%}
    {%- if keys is string -%}{%- set keys = [keys] -%}{%- endif -%}
    {%- for key in keys -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-(FP1|FP2|FP3|SQ|S|Q|R)', key) -%}
            {{ exceptions.raise_compiler_error(
                "session key '" ~ key ~ "' is malformed: expected {season}-{round:02d}-{code}, "
                ~ "e.g. 2024-18-R, with code one of FP1 FP2 FP3 SQ S Q R") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(keys) }}
{%- endmacro %}
