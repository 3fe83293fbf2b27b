-- One row per driver and session: classification plus lap, tyre and pit figures.
-- Done right where the original mart was not: a pit stop is counted once per stop from the best
-- evidence the session has (silver_pit_stops), deleted laps never set a best, and
-- personal-best laps are counted from the boolean flag. Drivers come from silver_drivers, so a
-- session with laps but no published classification still appears.
-- Unknown is null, never zero: a count is 0 only where the session recorded the facts it counts
-- (silver_session_coverage); otherwise it is null and data_gaps says why.
with lap_stats as (
    select
        session_id,
        driver_number,
        count(*) as laps_recorded,
        count(case when is_valid then 1 end) as valid_laps,
        count(case when is_deleted then 1 end) as deleted_laps,
        count(case when is_personal_best then 1 end) as personal_best_laps,
        min(case when is_valid then lap_time_ms end) as best_lap_ms,
        min_by(case when is_valid then lap_number end, case when is_valid then lap_time_ms end)
            as best_lap_number,
        -- one rule for a clean lap, fact_laps.is_clean (stint_summary uses it too)
        round(avg(case when is_clean then lap_time_ms end))::bigint as avg_clean_lap_ms,
        count(distinct stint_number) as stints,
        max(speed_st_kph) as top_speed_trap_kph
    from {{ ref('fact_laps') }}
    group by session_id, driver_number
),

stops as (
    select session_id, driver_number, count(*) as pit_stops
    from {{ ref('silver_pit_stops') }}
    group by session_id, driver_number
)

select
    {{ session_header('s') }},
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
    r.status_class,
    r.points,
    r.time_ms as result_time_ms,
    r.q1_ms,
    r.q2_ms,
    r.q3_ms,
    r.laps_completed,
    r.classification_source,
    case when c.has_laps then coalesce(l.laps_recorded, 0) end as laps_recorded,
    case when c.has_laps then coalesce(l.valid_laps, 0) end as valid_laps,
    case when c.deleted_laps_source is not null then coalesce(l.deleted_laps, 0) end as deleted_laps,
    c.deleted_laps_source,
    case when c.has_laps then coalesce(l.personal_best_laps, 0) end as personal_best_laps,
    l.best_lap_ms,
    l.best_lap_number,
    l.avg_clean_lap_ms,
    case when c.pit_stops_source is not null then coalesce(p.pit_stops, 0) end as pit_stops,
    c.pit_stops_source,
    -- a driver who drove a lap drove at least one stint: 0 would only mean "not recorded"
    nullif(l.stints, 0) as stints,
    l.top_speed_trap_kph,
    nullif(concat_ws('; ', c.laps_note, c.pit_stops_note, c.deleted_laps_note), '') as data_gaps
from {{ ref('silver_drivers') }} as d
inner join {{ ref('silver_sessions') }} as s using (session_id)
inner join {{ ref('silver_session_coverage') }} as c using (session_id)
left join {{ ref('silver_results') }} as r using (session_id, driver_number)
left join lap_stats as l using (session_id, driver_number)
left join stops as p using (session_id, driver_number)
