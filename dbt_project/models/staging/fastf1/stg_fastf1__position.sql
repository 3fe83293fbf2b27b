-- FastF1 car position on track (x, y, z in the circuit's 1/10 m frame), one row per sample.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_fastf1', 'position') }}
),

renamed as (
    select
        {{ session_identity() }},
        driver_number,
        date as sample_utc,
        session_time_ms,
        lap_time_into_ms,
        status as track_state,
        round(x)::integer as x,
        round(y)::integer as y,
        round(z)::integer as z,
        -- FastF1's own origin of the sample (car, pos or interpolation)
        source as sample_origin
    from source
)

select * from renamed
