-- OpenF1 pit: one row per pit stop, with its pit-lane time in integer milliseconds.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_openf1', 'pit') }}
),

renamed as (
    select
        {{ session_identity() }},
        driver_number::string as driver_number,
        lap_number,
        date as pit_in_utc,
        -- pit_duration is OpenF1's deprecated name of lane_duration (older sessions send only it)
        round(coalesce(lane_duration, pit_duration) * 1000)::bigint as pit_lane_ms,
        round(stop_duration * 1000)::bigint as stationary_ms
    from source
)

select * from renamed
