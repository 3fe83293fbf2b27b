-- One row per driver and session: who drove which car for which team. FastF1 results are the
-- source of record; OpenF1 drivers cover sessions FastF1 lacks.
with unioned as (
    select
        {{ session_identity() }},
        driver_number,
        abbreviation,
        nullif(nullif(driver_id, 'nan'), '') as driver_id,
        first_name,
        last_name,
        full_name,
        broadcast_name,
        country_code,
        team_name,
        team_id,
        nullif(team_color, '') as team_color,
        headshot_url,
        'fastf1' as source,
        1 as source_rank
    from {{ bronze('bronze_fastf1', 'results') }}
    union all
    select
        {{ session_identity() }},
        driver_number::varchar,
        name_acronym,
        null,
        first_name,
        last_name,
        -- OpenF1 writes the surname in capitals ("Max VERSTAPPEN"): rebuild it as FastF1 does
        first_name || ' ' || last_name,
        broadcast_name,
        country_code,
        team_name,
        null,
        team_colour,
        headshot_url,
        'openf1',
        2
    from {{ bronze('bronze_openf1', 'drivers') }}
)

select
    session_id,
    season,
    round,
    session_code,
    driver_number,
    -- The FIA three-letter code is the stable driver key across sources (OpenF1 has no
    -- Ergast driver id) and across seasons (the number can change: VER 33 -> 1).
    upper(abbreviation) as driver_key,
    upper(abbreviation) as abbreviation,
    driver_id,
    first_name,
    last_name,
    full_name,
    broadcast_name,
    country_code,
    team_name,
    -- one team key across sources: the Ergast constructor ref, from the name (macros/teams.sql)
    {{ team_id_for('team_name') }} as team_id,
    upper(team_color) as team_color,
    headshot_url,
    source
from unioned
where driver_number is not null
qualify {{ one_source_per_session(['session_id', 'driver_number']) }}
