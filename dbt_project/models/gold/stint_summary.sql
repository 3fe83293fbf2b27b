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
    -- needs three clean laps to mean anything. The least-squares slope from exact integer sums
    -- (regr_slope's floating sums depend on the order rows arrive in, which flips a slope of
    -- exactly x.x5 between runs and engines)
    case when count(*) filter (where l.is_clean) >= 3 then
        round(
            (count(l.x) * sum(l.xy) - sum(l.x) * sum(l.y))
            / nullif(count(l.x) * sum(l.xx) - sum(l.x) * sum(l.x), 0),
            1
        )
    end as degradation_ms_per_lap
from (
    select
        *,
        -- the clean laps with a tyre age: the points of the fit
        case when is_clean and tyre_age_laps is not null then tyre_age_laps end as x,
        case when is_clean and tyre_age_laps is not null then lap_time_ms end as y,
        case when is_clean and tyre_age_laps is not null then tyre_age_laps * lap_time_ms end as xy,
        case when is_clean and tyre_age_laps is not null then tyre_age_laps * tyre_age_laps end as xx
    from {{ ref('fact_laps') }}
) as l
where l.stint_number is not null
group by l.session_id, l.driver_number, l.stint_number
