-- OpenF1 weather samples (about one a minute), in UTC.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_openf1', 'weather') }}
),

renamed as (
    select
        {{ session_identity() }},
        date as sample_utc,
        air_temperature as air_temp_c,
        track_temperature as track_temp_c,
        humidity as humidity_pct,
        pressure as pressure_mbar,
        -- OpenF1 sends rainfall as 0 or 1
        rainfall > 0 as rainfall,
        wind_direction as wind_direction_deg,
        wind_speed as wind_speed_mps
    from source
)

select * from renamed
