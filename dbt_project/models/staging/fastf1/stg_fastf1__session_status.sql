-- FastF1 session status changes (Started, Aborted, Finished...), stamped in session time.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_fastf1', 'session_status') }}
),

renamed as (
    select
        {{ session_identity() }},
        session_time_ms,
        status
    from source
)

select * from renamed
