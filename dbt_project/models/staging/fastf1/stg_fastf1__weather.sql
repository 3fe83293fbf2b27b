-- FastF1 weather samples (about one a minute), stamped in session time.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_fastf1', 'weather') }}
),

renamed as (
    select
        {{ session_identity() }},
        session_time_ms,
        air_temp_c,
        track_temp_c,
        humidity_pct,
        pressure_mbar,
        rainfall,
        wind_direction_deg,
        wind_speed_mps
    from source
)

select * from renamed
