-- OpenF1 race control: one row per message, each tagged with its qualifying phase.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_openf1', 'race_control') }}
),

renamed as (
    select
        {{ session_identity() }},
        date as message_utc,
        category,
        message,
        flag,
        scope,
        sector::integer as sector,
        driver_number::string as driver_number,
        lap_number::integer as lap_number,
        qualifying_phase::integer as qualifying_phase
    from source
)

select * from renamed
