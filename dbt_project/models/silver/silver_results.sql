-- One row per driver and session: the classification as published.
select
    {{ session_identity() }},
    driver_number,
    abbreviation,
    driver_id,
    full_name,
    first_name,
    last_name,
    broadcast_name,
    country_code,
    team_name,
    team_id,
    team_color,
    -- Timing leaves some non-starters without a position; the classification still ranks
    -- them last (by laps, then grid), as Jolpica does.
    coalesce(
        position,
        count(position) over (partition by season, round, session)
        + row_number() over (
            partition by season, round, session, position is null
            order by laps desc nulls last, grid_position nulls last, driver_number
        )
    ) as position,
    position as reported_position,
    classified_position,
    grid_position,
    q1_ms,
    q2_ms,
    q3_ms,
    time_ms,
    status,
    points,
    laps as laps_completed,
    'fastf1' as source
from {{ source('bronze_fastf1', 'results') }}
where {{ bronze_session_filter() }}
