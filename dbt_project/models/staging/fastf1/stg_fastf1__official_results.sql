-- The official classification as Jolpica publishes it (read through FastF1's Ergast interface).
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_fastf1', 'official_results') }}
),

renamed as (
    select
        {{ session_identity() }},
        driver_number,
        driver_code,
        position,
        position_text,
        status,
        laps,
        grid,
        points,
        race_time_ms,
        fastest_lap_rank,
        fastest_lap_number,
        fastest_lap_ms,
        q1_ms,
        q2_ms,
        q3_ms
    from source
)

select * from renamed
