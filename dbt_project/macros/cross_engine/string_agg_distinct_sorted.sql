{#- The distinct non-null values of `expression` (a string), sorted and joined by `separator`.
    DuckDB: string_agg(distinct ... order by ...); Spark: a sorted set joined. -#}
{% macro string_agg_distinct_sorted(expression, separator) -%}
    {{ return(adapter.dispatch('string_agg_distinct_sorted')(expression, separator)) }}
{%- endmacro %}

{% macro default__string_agg_distinct_sorted(expression, separator) -%}
    string_agg(distinct {{ expression }}, {{ separator }} order by {{ expression }})
{%- endmacro %}

{% macro spark__string_agg_distinct_sorted(expression, separator) -%}
    nullif(array_join(array_sort(collect_set({{ expression }})), {{ separator }}), '')
{%- endmacro %}
