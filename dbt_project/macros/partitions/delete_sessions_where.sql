{#- Pre-hook of a model incremental per session: delete the sessions `filter` names (they are
    appended again); nothing to delete while the table is built whole. -#}
{% macro delete_sessions_where(filter) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ filter }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
