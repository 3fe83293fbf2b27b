-- One row per session partition: identity, event and timing window.
select
    {{ session_identity() }},
    session_name,
    session_type,
    event_name,
    event_format,
    meeting_key,
    meeting_name,
    meeting_location,
    country_code,
    country_name,
    circuit_short_name,
    session_key as livetiming_session_key,
    start_date as session_start_utc,
    end_date as session_end_utc,
    total_laps,
    'fastf1' as source
from {{ source('bronze_fastf1', 'session_info') }}
where {{ bronze_session_filter() }}
