-- OpenF1 laps: one row per driver lap; durations from seconds to integer milliseconds.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_openf1', 'laps') }}
),

renamed as (
    select
        {{ session_identity() }},
        driver_number::string as driver_number,
        lap_number,
        date_start as lap_start_utc,
        round(lap_duration * 1000)::bigint as lap_time_ms,
        round(duration_sector_1 * 1000)::bigint as sector1_time_ms,
        round(duration_sector_2 * 1000)::bigint as sector2_time_ms,
        round(duration_sector_3 * 1000)::bigint as sector3_time_ms,
        i1_speed::double as speed_i1_kph,
        i2_speed::double as speed_i2_kph,
        st_speed::double as speed_st_kph,
        is_pit_out_lap,
        segments_sector_1,
        segments_sector_2,
        segments_sector_3
    from source
)

select * from renamed
