-- OpenF1 position: one row per driver and change of running position.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze('bronze_openf1', 'position') }}
),

renamed as (
    select
        {{ session_identity() }},
        driver_number::varchar as driver_number,
        date as position_utc,
        position::integer as position
    from source
)

select * from renamed
