-- FastF1 race-control messages, in UTC.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_fastf1', 'race_control_messages') }}
),

renamed as (
    select
        {{ session_identity() }},
        time as message_utc,
        category,
        message,
        status,
        flag,
        scope,
        sector::integer as sector,
        -- a message about no car has an empty car number
        nullif(racing_number, '') as driver_number,
        lap::integer as lap_number
    from source
)

select * from renamed
