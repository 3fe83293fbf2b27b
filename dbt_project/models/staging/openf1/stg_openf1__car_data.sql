-- OpenF1 car telemetry, one row per driver sample (~4 Hz).
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_openf1', 'car_data') }}
),

renamed as (
    select
        {{ session_identity() }},
        driver_number::string as driver_number,
        date as sample_utc,
        speed::integer as speed_kph,
        rpm::integer as rpm,
        n_gear::integer as gear,
        throttle::integer as throttle_pct,
        -- OpenF1 sends brake as 0 or 100
        brake > 0 as is_braking,
        drs::integer as drs
    from source
)

select * from renamed
