-- OpenF1 position: one row per driver and change of running position.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_openf1', 'position') }}
),

renamed as (
    select
        {{ session_identity() }},
        driver_number::string as driver_number,
        date as position_utc,
        position::integer as position
    from source
)

select * from renamed
