-- OpenF1 meetings (a race weekend), repeated on each session partition of the meeting.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_openf1', 'meetings') }}
),

renamed as (
    select
        {{ session_identity() }},
        meeting_key as openf1_meeting_key,
        meeting_name,
        meeting_official_name,
        meeting_code,
        year as meeting_season,
        date_start as meeting_start_utc,
        date_end as meeting_end_utc,
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
