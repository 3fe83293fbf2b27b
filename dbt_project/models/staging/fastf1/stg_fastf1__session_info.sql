-- FastF1 session info (livetiming + the event schedule), one row per session.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_fastf1', 'session_info') }}
),

renamed as (
    select
        {{ session_identity() }},
        session_name,
        session_type,
        event_name,
        event_format,
        meeting_key as livetiming_meeting_key,
        meeting_name,
        meeting_location,
        country_code,
        country_name,
        circuit_short_name,
        session_key as livetiming_session_key,
        start_date as session_start_utc,
        end_date as session_end_utc,
        gmt_offset_ms,
        total_laps
    from source
)

select * from renamed
