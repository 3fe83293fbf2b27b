-- FastF1 laps: one row per driver lap, durations in integer milliseconds.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_fastf1', 'laps') }}
),

renamed as (
    select
        {{ session_identity() }},
        driver_number,
        driver as abbreviation,
        team as team_name,
        lap_number,
        lap_time_ms,
        sector1_time_ms,
        sector2_time_ms,
        sector3_time_ms,
        lap_start_date as lap_start_utc,
        lap_start_session_time_ms,
        lap_end_session_time_ms,
        sector1_session_time_ms,
        sector2_session_time_ms,
        sector3_session_time_ms,
        pit_in_session_time_ms,
        pit_out_session_time_ms,
        speed_i1_kph,
        speed_i2_kph,
        speed_fl_kph,
        speed_st_kph,
        is_personal_best,
        -- FastF1 writes a missing compound as the text "nan"
        nullif(nullif(upper(trim(compound)), 'NAN'), '') as compound,
        tyre_life,
        fresh_tyre,
        stint,
        track_status,
        position,
        deleted as is_deleted,
        deleted_reason,
        fastf1_generated as is_fastf1_generated,
        is_accurate
    from source
)

select * from renamed
