{#- The conformed-silver rule: per session, one source (the lowest rank that has rows: FastF1
    before OpenF1), then one row per explicit key. A boolean over windows: select it as a flag
    column, then keep the rows `where` it holds (QUALIFY is DuckDB's, not Spark's). -#}
{% macro one_source_per_session(keys, order_by='1') -%}
    source_rank = min(source_rank) over (partition by session_id)
    and row_number() over (partition by {{ keys | join(', ') }} order by source_rank, {{ order_by }}) = 1
{%- endmacro %}
