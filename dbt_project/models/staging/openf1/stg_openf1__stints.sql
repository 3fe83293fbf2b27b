-- OpenF1 stints: one row per driver stint.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_openf1', 'stints') }}
),

renamed as (
    select
        {{ session_identity() }},
        driver_number::string as driver_number,
        stint_number,
        lap_start,
        lap_end,
        compound,
        tyre_age_at_start
    from source
)

select * from renamed
