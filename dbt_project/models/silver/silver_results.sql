-- One row per driver and session: the classification as published (FastF1, else OpenF1's
-- session_result), else, for a race or sprint no results source covers, the one derived from
-- lap timing (silver_timing_classification; classification_source says which). A published
-- race classification with no positions at all (the driver list before results are out) does
-- not hide the derived one. status_class reads the source's wording into one vocabulary.
with fastf1 as (
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
        position,
        classified_position,
        grid_position,
        q1_ms,
        q2_ms,
        q3_ms,
        time_ms,
        status,
        points,
        laps as laps_completed,
        'fastf1' as source,
        'official' as classification_source,
        case when session in ('R', 'S', 'Q', 'SQ') and count(position) over (
            partition by season, round, session) = 0 then 4 else 1 end as source_rank
    from {{ bronze('bronze_fastf1', 'results') }}
),

openf1 as (
    select
        {{ session_identity() }},
        r.driver_number::varchar as driver_number,
        d.name_acronym as abbreviation,
        null::varchar as driver_id,
        d.first_name || ' ' || d.last_name as full_name,
        d.first_name,
        d.last_name,
        d.broadcast_name,
        d.country_code,
        d.team_name,
        null::varchar as team_id,
        d.team_colour as team_color,
        r.position,
        case when r.dsq then 'D' when r.dns then 'W' when r.dnf then 'R' else r.position::varchar end
            as classified_position,
        null::bigint as grid_position,
        null::bigint as q1_ms,
        null::bigint as q2_ms,
        null::bigint as q3_ms,
        null::bigint as time_ms,
        case when r.dsq then 'Disqualified' when r.dns then 'Did not start'
             when r.dnf then 'Retired' else 'Finished' end as status,
        null::double as points,
        r.number_of_laps as laps_completed,
        'openf1' as source,
        'official' as classification_source,
        2 as source_rank
    from {{ bronze('bronze_openf1', 'session_result') }} as r
    left join {{ bronze('bronze_openf1', 'drivers') }} as d
        using (season, round, session, driver_number)
),

derived as (
    select
        t.session_id,
        t.season,
        t.round,
        t.session_code,
        t.driver_number,
        d.abbreviation,
        d.driver_id,
        d.full_name,
        d.first_name,
        d.last_name,
        d.broadcast_name,
        d.country_code,
        d.team_name,
        d.team_color,
        t.position,
        t.classified_position,
        t.grid_position,
        t.status,
        t.status_class as derived_status_class,
        t.points,
        t.q1_ms,
        t.q2_ms,
        t.q3_ms,
        t.laps_completed,
        t.source,
        'derived_from_timing' as classification_source,
        3 as source_rank
    from {{ ref('silver_timing_classification') }} as t
    inner join {{ ref('silver_drivers') }} as d using (session_id, driver_number)
    where {{ session_filter('t.session_id') }}
),

unioned as (
    select * from fastf1
    union all by name
    select * from openf1
    union all by name
    select * from derived
),

conformed as (
    select * from unioned
    where driver_number is not null
    qualify {{ one_source_per_session(['session_id', 'driver_number']) }}
)

select
    session_id,
    season,
    round,
    session_code,
    driver_number,
    abbreviation,
    driver_id,
    full_name,
    first_name,
    last_name,
    broadcast_name,
    country_code,
    team_name,
    {{ team_id_for('team_name') }} as team_id,
    team_color,
    -- Timing leaves some non-starters without a position; the classification still ranks
    -- them last (by laps, then grid), as Jolpica does.
    coalesce(
        position,
        count(position) over (partition by session_id)
        + row_number() over (
            partition by session_id, position is null
            order by laps_completed desc nulls last, grid_position nulls last, driver_number
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
    case when session_code in ('R', 'S') then coalesce(
        derived_status_class,
        {{ status_class('status', 'laps_completed', 'max(laps_completed) over (partition by session_id)') }}
    ) end as status_class,
    points,
    laps_completed,
    source,
    classification_source
from conformed
