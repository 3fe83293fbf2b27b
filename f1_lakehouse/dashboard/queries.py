"""The page's SQL: every query the dashboard runs, in an in-memory DuckDB over one export.

Each exported dataset (`datasets.EXPORTS`) is loaded as a table of the same name. Parameters
are bound, never formatted in.
"""

from __future__ import annotations

SEASONS_SQL = "select distinct season from sessions order by season desc"

ROUNDS_SQL = """
select round, any_value(event_name) as event_name
from sessions where season = $season
group by round order by round
"""

SESSIONS_SQL = """
select session_id, session_code, session_name
from sessions where season = $season and round = $round
order by session_start_utc nulls last, session_id
"""

# Drivers and teams from the classification; a session without one (OpenF1 recorded no result
# for 2024-18-R) counts them from its laps.
KPIS_SQL = """
with classified as (
    select driver_number, team_name from driver_results where session_id = $session_id
),
timed as (
    select distinct driver_number, team_name from laps where session_id = $session_id
),
drivers as (
    select * from classified
    union all
    select * from timed where not exists (select 1 from classified)
)
select
    (select count(*) from laps where session_id = $session_id) as laps,
    (select count(distinct driver_number) from drivers) as drivers,
    (select count(distinct team_name) from drivers) as teams
"""

# P1 of the classification (else the car running first at the end of its last lap) and the
# fastest valid lap: deleted laps never count.
HEADLINE_SQL = """
with last_laps as (
    select abbreviation, team_name, position, lap_number
    from laps
    where session_id = $session_id and position is not null
    qualify row_number() over (partition by driver_number order by lap_number desc) = 1
),
p1 as (
    select abbreviation, full_name, team_name
    from (
        select abbreviation, full_name, team_name, 1 as preference, 0 as lap_number
        from driver_results where session_id = $session_id and position = 1
        union all
        select abbreviation, null, team_name, 2, lap_number from last_laps where position = 1
    )
    order by preference, lap_number desc
    limit 1
),
fastest as (
    select abbreviation, lap_number, lap_time_ms
    from laps
    where session_id = $session_id and lap_time_ms is not null and is_deleted is not true
    order by lap_time_ms, lap_number
    limit 1
)
select
    p1.abbreviation as p1_abbreviation,
    p1.full_name as p1_full_name,
    p1.team_name as p1_team_name,
    fastest.abbreviation as fastest_abbreviation,
    fastest.lap_number as fastest_lap_number,
    fastest.lap_time_ms as fastest_lap_ms
from (select 1) as one
left join p1 on true
left join fastest on true
"""

# The fastest laps of the session, all laps (a driver may hold many places), numeric order.
TOP_LAPS_SQL = """
select
    row_number() over (order by lap_time_ms, driver_number, lap_number) as rank,
    abbreviation, team_name, lap_number, lap_time_ms, sector1_ms, sector2_ms, sector3_ms,
    compound, tyre_life
from laps
where session_id = $session_id and lap_time_ms is not null and is_deleted is not true
order by lap_time_ms, driver_number, lap_number
limit $limit
"""

CLASSIFICATION_SQL = """
select position, abbreviation, full_name, team_name, grid_position, status, points,
       best_lap_ms, laps_recorded, pit_stops, classification_source, data_gaps
from driver_results
where session_id = $session_id
order by position nulls last, driver_number
"""

TEAM_SUMMARY_SQL = """
select team_name, drivers, session_codes, points, best_race_position,
       best_qualifying_position, best_race_lap_ms, best_qualifying_lap_ms, laps_recorded,
       race_pit_stops
from team_events
where season = $season and round = $round
order by points desc nulls last, best_race_position nulls last, team_name
"""

# Representative laps only: no deleted, pit-in or pit-out laps, and only laps within 107 % of the
# session's fastest (FastF1's "quick laps"), so safety-car laps do not swamp the spread.
QUICK_LAP_RATIO = 1.07
LAP_DISTRIBUTION_SQL = f"""
with valid as (
    select abbreviation, team_name, lap_number, lap_time_ms
    from laps
    where session_id = $session_id and lap_time_ms is not null and is_deleted is not true
      and not is_pit_in_lap and not is_pit_out_lap
)
select abbreviation, team_name, lap_number, lap_time_ms
from valid
where lap_time_ms <= {QUICK_LAP_RATIO} * (select min(lap_time_ms) from valid)
order by abbreviation, lap_number
"""

POSITIONS_SQL = """
select abbreviation, lap_number, position
from laps
where session_id = $session_id and position is not null
order by abbreviation, lap_number
"""

# Drivers in finishing order: the classification, else their position at the end of their
# last lap.
STINTS_SQL = """
with finish as (
    select l.driver_number, coalesce(any_value(r.position), arg_max(l.position, l.lap_number))
               as finish_position
    from laps as l
    left join driver_results as r using (session_id, driver_number)
    where l.session_id = $session_id
    group by l.driver_number
)
select
    l.abbreviation,
    l.stint,
    coalesce(any_value(l.compound), 'UNKNOWN') as compound,
    min(l.lap_number) as first_lap,
    max(l.lap_number) as last_lap,
    count(*) as laps,
    any_value(f.finish_position) as finish_position
from laps as l
left join finish as f using (driver_number)
where l.session_id = $session_id and l.stint is not null
group by l.abbreviation, l.stint
order by finish_position nulls last, l.abbreviation, l.stint
"""

TEAM_COLOURS_SQL = """
select team_name, team_color from team_colours where session_id = $session_id order by team_name
"""

# Each driver of the session with their team, for colouring per-driver lines.
DRIVER_TEAMS_SQL = """
select abbreviation, any_value(team_name) as team_name
from laps where session_id = $session_id and abbreviation is not null
group by abbreviation
union all by name
select abbreviation, any_value(team_name) as team_name
from driver_results
where session_id = $session_id and abbreviation is not null
  and abbreviation not in (select abbreviation from laps where session_id = $session_id
                           and abbreviation is not null)
group by abbreviation
order by abbreviation
"""

SPEED_TRACE_DRIVERS_SQL = """
select abbreviation, any_value(lap_number) as lap_number, any_value(lap_time_ms) as lap_time_ms
from speed_traces
where session_id = $session_id
group by abbreviation
order by lap_time_ms, abbreviation
"""

SPEED_TRACE_SQL = """
select abbreviation, lap_number, lap_time_ms, lap_elapsed_ms, distance_m, speed_kph,
       throttle, n_gear
from speed_traces
where session_id = $session_id and abbreviation in ($first, $second)
order by abbreviation, lap_elapsed_ms
"""
