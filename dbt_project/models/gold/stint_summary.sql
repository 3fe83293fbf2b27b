-- One row per driver stint: compound, tyre age and pace. Degradation is the slope of clean lap
-- time against tyre age (ms per lap of age; fuel burn is not corrected, so it understates wear).
select
    {{ session_header('l', grouped=true) }},
    l.driver_number,
    any_value(l.driver_key) as driver_key,
    any_value(l.team_id) as team_id,
    l.stint_number,
    mode(l.compound) as compound,
    min(l.lap_number) as first_lap,
    max(l.lap_number) as last_lap,
    count(*) as laps,
    count(*) filter (where l.is_clean) as clean_laps,
    min(l.tyre_age_laps) as tyre_age_start,
    max(l.tyre_age_laps) as tyre_age_end,
    round(avg(l.lap_time_ms) filter (where l.is_clean))::bigint as avg_clean_lap_ms,
    min(l.lap_time_ms) filter (where l.is_clean) as best_clean_lap_ms,
    -- needs three clean laps to mean anything
    case when count(*) filter (where l.is_clean) >= 3 then
        round(regr_slope(l.lap_time_ms, l.tyre_age_laps) filter (where l.is_clean), 1)
    end as degradation_ms_per_lap
from {{ ref('fact_laps') }} as l
where l.stint_number is not null
group by l.session_id, l.driver_number, l.stint_number
