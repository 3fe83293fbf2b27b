{#- The session identity a gold mart's rows open with (session_id, season, round, session_code),
    read from `alias` (none: unqualified): `session_header('s')` after a join to the sessions,
    or `session_header('l', grouped=true)` in a model grouped by session_id and finer keys,
    where season, round and code are the session's own (any_value: one value per session). -#}
{% macro session_header(alias=none, grouped=false) -%}
    {%- set prefix = alias ~ '.' if alias else '' -%}
    {{ prefix }}session_id,
    {%- for column in ['season', 'round', 'session_code'] %}
    {% if grouped %}any_value({{ prefix }}{{ column }}){% else %}{{ prefix }}{{ column }}{% endif %} as {{ column }}
    {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
