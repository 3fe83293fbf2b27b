{#- True when `pattern` (a SQL string literal) matches anywhere in `text`: DuckDB's
    regexp_matches, Spark's regexp (rlike). -#}
{% macro regexp_search(text, pattern) -%}
    {{ return(adapter.dispatch('regexp_search')(text, pattern)) }}
{%- endmacro %}

{% macro default__regexp_search(text, pattern) -%}
    regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regexp_search(text, pattern) -%}
    regexp({{ text }}, {{ pattern }})
{%- endmacro %}
