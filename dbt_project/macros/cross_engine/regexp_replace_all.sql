{#- Every match of `pattern` in `text` replaced. DuckDB replaces the first match unless told 'g';
    on Spark a fourth argument is a start POSITION, and with ANSI mode off a bad one gives NULL
    silently: never pass DuckDB's form there. Replacement back-references differ (\1 vs $1):
    keep replacements literal. -#}
{% macro regexp_replace_all(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all')(text, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}
