{#- A session key as a SQL string literal. Every key that reaches SQL passes here (a run's
    selection, or keys read back from the silver load log), so none gets in unchecked. -#}
{% macro session_key_literal(key) -%}
    {%- if key is not string or not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-(FP1|FP2|FP3|SQ|S|Q|R)', key) -%}
        {{ exceptions.raise_compiler_error(
            "session key '" ~ key ~ "' is malformed: expected {season}-{round:02d}-{code}, "
            ~ "e.g. 2024-18-R, with code one of FP1 FP2 FP3 SQ S Q R") }}
    {%- endif -%}
    '{{ key }}'
{%- endmacro %}
