-- FastF1 car telemetry, one row per driver sample; values rounded to silver's integer units.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_fastf1', 'car_data') }}
),

renamed as (
    select
        {{ session_identity() }},
        driver_number,
        date as sample_utc,
        session_time_ms,
        lap_time_into_ms,
        round(speed_kph)::integer as speed_kph,
        round(rpm)::integer as rpm,
        gear::integer as gear,
        round(throttle_pct)::integer as throttle_pct,
        brake as is_braking,
        drs::integer as drs,
        -- FastF1's own origin of the sample (car, pos or interpolation)
        source as sample_origin
    from source
)

select * from renamed
