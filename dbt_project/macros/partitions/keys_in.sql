{#- `column in ('k1', 'k2', ...)` for session keys, inlined as literals so DuckDB prunes row
    groups by their min/max statistics. -#}
{% macro keys_in(column, keys) -%}
    {{ column }} in ({% for key in keys %}{{ session_key_literal(key) }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}
