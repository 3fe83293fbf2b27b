-- FastF1 results (livetiming merged with Ergast): one row per driver and session.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_fastf1', 'results') }}
),

renamed as (
    select
        {{ session_identity() }},
        driver_number,
        abbreviation,
        driver_id,
        first_name,
        last_name,
        full_name,
        broadcast_name,
        country_code,
        team_name,
        team_id,
        team_color,
        headshot_url,
        position,
        classified_position,
        grid_position,
        q1_ms,
        q2_ms,
        q3_ms,
        time_ms,
        status,
        points,
        laps as laps_completed
    from source
)

select * from renamed
