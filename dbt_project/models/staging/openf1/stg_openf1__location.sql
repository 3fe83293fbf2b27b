-- OpenF1 location: car position on track (x, y, z in the circuit's 1/10 m frame), per sample.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_openf1', 'location') }}
),

renamed as (
    select
        {{ session_identity() }},
        driver_number::string as driver_number,
        date as sample_utc,
        x::integer as x,
        y::integer as y,
        z::integer as z
    from source
)

select * from renamed
