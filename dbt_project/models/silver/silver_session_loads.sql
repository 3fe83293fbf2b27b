-- One row per session: the silver run that last rebuilt it (its dbt invocation, and when). Gold
-- models that are incremental per session (telemetry_lap_summary) compare these loads with the
-- ones they last saw and recompute only the sessions whose silver changed. A partition run logs
-- its keys; a full rebuild, and the first build into an existing warehouse, log every session
-- that has bronze. It reads no other silver model, so a failing silver test never skips it:
-- gold then recomputes whatever silver holds for the session.
{% set keys = selected_session_keys() -%}
{%- set sessions = keys if keys | length > 0 and is_incremental() else (keys + bronze_session_ids()) | unique | list %}

select
    session_id,
    split_part(session_id, '-', 1)::integer as season,
    split_part(session_id, '-', 2)::integer as round,
    split_part(session_id, '-', 3) as session_code,
    '{{ invocation_id }}' as load_id,
    now() as loaded_at
from (
    {%- if sessions | length > 0 %}
    values {% for key in sessions %}('{{ key }}'){% if not loop.last %}, {% endif %}{% endfor %}
    {%- else %}
    select null::varchar where false
    {%- endif %}
) as loads(session_id)
