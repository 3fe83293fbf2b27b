-- OpenF1 sessions: identity and timing window of each session.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_openf1', 'sessions') }}
),

renamed as (
    select
        {{ session_identity() }},
        session_key as openf1_session_key,
        meeting_key as openf1_meeting_key,
        session_name,
        session_type,
        date_start as session_start_utc,
        date_end as session_end_utc,
        gmt_offset,
        is_cancelled,
        location as meeting_location,
        country_key,
        country_code,
        country_name,
        circuit_key,
        circuit_short_name
    from source
)

select * from renamed
