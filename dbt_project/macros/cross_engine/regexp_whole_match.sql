{#- True when the whole of `text` matches `pattern` (a SQL string literal). Spark's rlike finds
    a match anywhere: anchor it (\z, not $, which also matches before a final newline). -#}
{% macro regexp_whole_match(text, pattern) -%}
    {{ return(adapter.dispatch('regexp_whole_match')(text, pattern)) }}
{%- endmacro %}

{% macro default__regexp_whole_match(text, pattern) -%}
    regexp_full_match({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regexp_whole_match(text, pattern) -%}
    regexp({{ text }}, concat('^(?:', {{ pattern }}, ')\z'))
{%- endmacro %}
