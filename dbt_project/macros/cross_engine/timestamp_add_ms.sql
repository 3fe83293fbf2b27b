{#- `timestamp` plus `milliseconds` (an integer; null gives null). dbt's own
    dateadd('millisecond') is wrong on Spark, so this names the engines' forms. -#}
{% macro timestamp_add_ms(timestamp, milliseconds) -%}
    {{ return(adapter.dispatch('timestamp_add_ms')(timestamp, milliseconds)) }}
{%- endmacro %}

{% macro default__timestamp_add_ms(timestamp, milliseconds) -%}
    ({{ timestamp }} + to_milliseconds({{ milliseconds }}))
{%- endmacro %}

{% macro spark__timestamp_add_ms(timestamp, milliseconds) -%}
    timestampadd(MILLISECOND, {{ milliseconds }}, {{ timestamp }})
{%- endmacro %}
