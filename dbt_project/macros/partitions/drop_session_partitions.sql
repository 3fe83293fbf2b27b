{#- Spark (Parquet tables take no DELETE): drop the session_id partitions of `keys` from the
    model's table; a partition that does not exist is no error. -#}
{% macro drop_session_partitions(keys) -%}
    alter table {{ this }} drop if exists
    {%- for key in keys %} partition (session_id = {{ session_key_literal(key) }}){% if not loop.last %},{% endif %}{% endfor %}
{%- endmacro %}
