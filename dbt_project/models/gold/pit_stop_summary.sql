-- One row per driver and session with at least one stop: how many, when, and pit-lane time.
select
    {{ session_header('p', grouped=true) }},
    p.driver_number,
    any_value(d.driver_key) as driver_key,
    any_value(d.team_id) as team_id,
    count(*) as stops,
    {{ string_agg_ordered('cast(p.lap_number as string)', "' '", 'p.lap_number') }} as stop_laps,
    min(p.lap_number) as first_stop_lap,
    cast(sum(p.pit_lane_ms) as bigint) as total_pit_lane_ms,
    min(p.pit_lane_ms) as fastest_pit_lane_ms,
    round(avg(p.pit_lane_ms))::bigint as avg_pit_lane_ms,
    any_value(p.source) as source
from {{ ref('silver_pit_stops') }} as p
left join {{ ref('silver_drivers') }} as d using (session_id, driver_number)
group by p.session_id, p.driver_number
