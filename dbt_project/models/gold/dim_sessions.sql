-- One row per session: identity, official name for its era, schedule and what it scores.
select
    session_id,
    season,
    round,
    session_code,
    {{ official_session_name('season', 'session_code') }} as official_session_name,
    session_name,
    session_type,
    event_name,
    event_format,
    country_name,
    circuit_short_name,
    session_start_utc,
    session_end_utc,
    session_code in ('R', 'S') as is_points_scoring,
    session_code in ('Q', 'SQ') as is_qualifying,
    session_code in ('S', 'SQ') as is_sprint_weekend_session,
    -- a sprint weekend scores twice; the calendar says so even when the sprint is not recorded
    coalesce(event_format like 'sprint%', false) as is_sprint_weekend,
    livetiming_session_key,
    openf1_session_key,
    source
from {{ ref('silver_sessions') }}
