{#- Bronze hive columns are text (autocast off): rebuild the partition key and typed parts. -#}
{% macro session_identity() -%}
    season || '-' || round || '-' || session as session_id,
    season::integer as season,
    round::integer as round,
    session as session_code
{%- endmacro %}
