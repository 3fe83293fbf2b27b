{#- A timestamp as text in UTC without an offset ('2023-04-29 08:30:00'), the form a dbt
    snapshot hashes into its scd id. DuckDB: the instant's UTC wall clock, cast; Spark's
    timestamps print in the session time zone, which is UTC (profiles.yml). -#}
{% macro utc_timestamp_text(timestamp) -%}
    {{ return(adapter.dispatch('utc_timestamp_text')(timestamp)) }}
{%- endmacro %}

{% macro default__utc_timestamp_text(timestamp) -%}
    cast(timezone('UTC', {{ timestamp }}) as varchar)
{%- endmacro %}

{% macro spark__utc_timestamp_text(timestamp) -%}
    cast({{ timestamp }} as string)
{%- endmacro %}
