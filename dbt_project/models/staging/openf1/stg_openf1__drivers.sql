-- OpenF1 drivers: who drove which car for which team in a session.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_openf1', 'drivers') }}
),

renamed as (
    select
        {{ session_identity() }},
        driver_number::string as driver_number,
        name_acronym as abbreviation,
        first_name,
        last_name,
        -- OpenF1 writes the surname in capitals ("Max VERSTAPPEN"): rebuild it as FastF1 does
        first_name || ' ' || last_name as full_name,
        broadcast_name,
        country_code,
        team_name,
        team_colour as team_color,
        headshot_url
    from source
)

select * from renamed
