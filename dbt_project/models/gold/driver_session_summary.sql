-- One row per driver and session: classification plus lap, tyre and pit figures.
-- Done right where the original mart was not: a pit stop is an in-lap followed by an out-lap
-- (counted once, and a retirement into the pits is no stop: silver_pit_stops), deleted laps
-- never set a best, and personal-best laps are counted from the boolean flag. Drivers come from
-- silver_drivers, so a session with laps but no published classification still appears.
with lap_stats as (
    select
        session_id,
        driver_number,
        count(*) as laps_recorded,
        count(*) filter (where is_valid) as valid_laps,
        count(*) filter (where is_deleted) as deleted_laps,
        count(*) filter (where is_personal_best) as personal_best_laps,
        min(lap_time_ms) filter (where not is_deleted) as best_lap_ms,
        arg_min(lap_number, lap_time_ms) filter (where is_valid) as best_lap_number,
        round(avg(lap_time_ms) filter (
            where is_valid and is_accurate and not is_pit_in_lap and not is_pit_out_lap
        ))::bigint as avg_clean_lap_ms,
        count(distinct stint_number) as stints,
        max(speed_st_kph) as top_speed_trap_kph
    from {{ ref('fact_laps') }}
    group by session_id, driver_number
),

stops as (
    select session_id, driver_number, count(*) as pit_stops
    from {{ ref('silver_pit_stops') }}
    group by all
)

select
    s.session_id,
    s.season,
    s.round,
    s.session_code,
    s.session_name,
    s.event_name,
    d.driver_number,
    d.driver_key,
    d.abbreviation,
    d.full_name,
    d.team_id,
    d.team_name,
    r.position,
    r.classified_position,
    r.grid_position,
    r.status,
    r.points,
    r.time_ms as result_time_ms,
    r.q1_ms,
    r.q2_ms,
    r.q3_ms,
    r.laps_completed,
    coalesce(l.laps_recorded, 0) as laps_recorded,
    coalesce(l.valid_laps, 0) as valid_laps,
    coalesce(l.deleted_laps, 0) as deleted_laps,
    coalesce(l.personal_best_laps, 0) as personal_best_laps,
    l.best_lap_ms,
    l.best_lap_number,
    l.avg_clean_lap_ms,
    coalesce(p.pit_stops, 0) as pit_stops,
    l.stints,
    l.top_speed_trap_kph
from {{ ref('silver_drivers') }} as d
inner join {{ ref('silver_sessions') }} as s using (session_id)
left join {{ ref('silver_results') }} as r using (session_id, driver_number)
left join lap_stats as l using (session_id, driver_number)
left join stops as p using (session_id, driver_number)
