-- One row per pit stop, counted once on its in-lap as the official pit-stop list does. Each
-- session takes the best evidence it has (silver_session_coverage.pit_stops_source), one rule
-- for every source:
--   pit_endpoint   OpenF1 `pit` (one row per stop, with pit-lane time);
--   lap_flags      an in-lap followed by an out-lap (FastF1 PitInTime/PitOutTime; OpenF1's
--                  is_pit_out_lap: the lap before an out-lap is the in-lap);
--   stint_changes  a stint that starts after lap 1: the lap before it is the in-lap.
-- Not stops: a retirement into the pits (no out-lap follows), a pit-lane start (an out-lap
-- with no in-lap before it) and a pass through the pit lane under a red flag (the lap's track
-- status includes 5): the official list counts none of them.
with coverage as (
    select session_id, pit_stops_source
    from {{ ref('silver_session_coverage') }}
    where {{ session_filter() }}
),

laps as (
    select
        l.*,
        lead(l.is_pit_out_lap) over w as next_is_pit_out,
        lead(l.pit_out_session_time_ms) over w as next_pit_out_session_time_ms
    from {{ ref('silver_laps') }} as l
    where {{ session_filter('l.session_id') }}
    window w as (partition by l.session_id, l.driver_number order by l.lap_number)
),

from_lap_flags as (
    select
        l.session_id,
        l.driver_number,
        l.lap_number,
        coalesce(
            {{ timestamp_add_ms('s.timing_t0_utc', 'l.pit_in_session_time_ms') }}, l.lap_end_utc
        ) as pit_in_utc,
        -- time in the pit lane, entry line to exit line (FastF1 stamps both)
        l.next_pit_out_session_time_ms - l.pit_in_session_time_ms as pit_lane_ms,
        'lap_flags' as derived_from,
        l.source
    from laps as l
    left join {{ ref('silver_sessions') }} as s using (session_id)
    where l.is_pit_in_lap and coalesce(l.next_is_pit_out, false)
        and coalesce(l.track_status, '') not like '%5%'
),

from_pit_endpoint as (
    select
        session_id,
        driver_number,
        lap_number,
        pit_in_utc,
        pit_lane_ms,
        'pit_endpoint' as derived_from,
        'openf1' as source
    from {{ ref('stg_openf1__pit') }}
    where driver_number is not null and lap_number is not null
),

from_stint_changes as (
    select
        st.session_id,
        st.driver_number,
        st.lap_start - 1 as lap_number,
        l.lap_end_utc as pit_in_utc,
        null::bigint as pit_lane_ms,
        'stint_changes' as derived_from,
        st.source
    from {{ ref('silver_stints') }} as st
    left join laps as l
        on l.session_id = st.session_id and l.driver_number = st.driver_number
        and l.lap_number = st.lap_start - 1
    where {{ session_filter('st.session_id') }} and st.lap_start > 1
),

stops as (
    select * from from_pit_endpoint
    union all
    select * from from_lap_flags
    union all
    select * from from_stint_changes
),

chosen as (
    select s.*
    from stops as s
    inner join coverage as c
        on c.session_id = s.session_id and c.pit_stops_source = s.derived_from
)

select
    session_id,
    split_part(session_id, '-', 1)::integer as season,
    split_part(session_id, '-', 2)::integer as round,
    split_part(session_id, '-', 3) as session_code,
    driver_number,
    lap_number,
    row_number() over (partition by session_id, driver_number order by lap_number) as stop_number,
    pit_in_utc,
    pit_lane_ms,
    derived_from,
    source
from chosen
