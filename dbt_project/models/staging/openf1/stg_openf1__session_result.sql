-- OpenF1 session_result: the published classification, its flags read into FastF1's wording.
{{ config(materialized='ephemeral') }}
with source as (
    select * from {{ bronze_relation('bronze_openf1', 'session_result') }}
),

renamed as (
    select
        {{ session_identity() }},
        driver_number::string as driver_number,
        position,
        case when dsq then 'D' when dns then 'W' when dnf then 'R' else position::string end
            as classified_position,
        case when dsq then 'Disqualified' when dns then 'Did not start'
             when dnf then 'Retired' else 'Finished' end as status,
        number_of_laps as laps_completed,
        duration,
        gap_to_leader
    from source
)

select * from renamed
