-- One row per driver and points-scoring session (race, sprint): the official points next to
-- the points our era rules give, so any disagreement is visible (and fails a test).
-- The fastest-lap point (2019-2024, top-10 finishers, races only) goes to the fastest valid
-- lap when laps are recorded; without laps the holder is unknown, so the bonus is read from the
-- official points and only its eligibility is checked.
with results as (
    select
        r.session_id,
        s.season,
        r.session_code,
        r.driver_number,
        r.abbreviation,
        r.position,
        r.classified_position,
        r.points
    from {{ ref('silver_results') }} as r
    inner join {{ ref('dim_sessions') }} as s using (session_id)
    where s.is_points_scoring and r.points is not null
),

fastest as (
    select session_id, min_by(driver_number, lap_time_ms) as fastest_lap_driver
    from {{ ref('fact_laps') }}
    where is_valid and session_code = 'R'
    group by session_id
),

classified as (
    select
        r.*,
        -- points go by classified position; unclassified cars score nothing
        case when {{ regexp_whole_match('r.classified_position', "'[0-9]+'") }} then r.position end
            as points_position,
        f.fastest_lap_driver
    from results as r
    left join fastest as f using (session_id)
),

scored as (
    select
        *,
        {{ base_points('season', 'session_code', 'points_position') }} as base_points,
        coalesce({{ fastest_lap_point_applies('season', 'session_code', 'points_position') }}, false)
            as fastest_lap_point_eligible
    from classified
)

select
    session_id,
    season,
    session_code,
    driver_number,
    upper(abbreviation) as driver_key,
    position,
    classified_position,
    points as official_points,
    base_points,
    case
        when fastest_lap_driver is not null then 'laps'
        else 'official points'
    end as fastest_lap_evidence,
    case
        when not fastest_lap_point_eligible then 0
        when fastest_lap_driver is not null then (fastest_lap_driver = driver_number)::integer
        -- no laps: the extra point, if any, is the fastest-lap point
        when points - base_points = 1 then 1
        else 0
    end as fastest_lap_points,
    base_points + fastest_lap_points as rule_points,
    points = base_points + fastest_lap_points as matches_rules
from scored
