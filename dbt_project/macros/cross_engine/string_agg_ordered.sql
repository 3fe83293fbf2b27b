{#- The non-null values of `expression` joined by `separator` in the order of `order_by`.
    DuckDB orders inside string_agg; Spark has no ordered aggregate over strings, so it sorts
    (order key, value) pairs and joins the values. Ties sort by value on Spark. -#}
{% macro string_agg_ordered(expression, separator, order_by) -%}
    {{ return(adapter.dispatch('string_agg_ordered')(expression, separator, order_by)) }}
{%- endmacro %}

{% macro default__string_agg_ordered(expression, separator, order_by) -%}
    string_agg({{ expression }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__string_agg_ordered(expression, separator, order_by) -%}
    array_join(transform(
        array_sort(collect_list(
            case when ({{ expression }}) is not null
                then named_struct('k', {{ order_by }}, 'v', cast({{ expression }} as string)) end
        )),
        pair -> pair.v), {{ separator }})
{%- endmacro %}
