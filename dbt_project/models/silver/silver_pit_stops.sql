-- One row per pit stop. A stop is an in-lap followed by an out-lap: counted once, on the in-lap
-- (as the official pit-stop list does); a retirement into the pits (no out-lap follows) and a
-- pit-lane start (an out-lap with no in-lap before it) are not stops. FastF1 stops come from
-- silver laps of this run, OpenF1 publishes them (`pit`).
with fastf1_laps as (
    select
        l.*,
        lead(l.is_pit_out_lap) over w as next_is_pit_out,
        lead(l.pit_out_session_time_ms) over w as next_pit_out_session_time_ms
    from {{ ref('silver_laps') }} as l
    where {{ session_filter() }} and l.source = 'fastf1'
    window w as (partition by l.session_id, l.driver_number order by l.lap_number)
),

fastf1 as (
    select
        l.session_id,
        l.season,
        l.round,
        l.session_code,
        l.driver_number,
        l.lap_number,
        s.timing_t0_utc + to_milliseconds(l.pit_in_session_time_ms) as pit_in_utc,
        -- time in the pit lane, entry line to exit line
        l.next_pit_out_session_time_ms - l.pit_in_session_time_ms as pit_lane_ms,
        'fastf1' as source,
        1 as source_rank
    from fastf1_laps as l
    left join {{ ref('silver_sessions') }} as s using (session_id)
    where l.is_pit_in_lap and coalesce(l.next_is_pit_out, false)
),

openf1 as (
    select
        {{ session_identity() }},
        driver_number::varchar as driver_number,
        lap_number,
        date as pit_in_utc,
        round(coalesce(lane_duration, pit_duration) * 1000)::bigint as pit_lane_ms,
        'openf1' as source,
        2 as source_rank
    from {{ bronze('bronze_openf1', 'pit') }}
),

unioned as (
    select * from fastf1
    union all by name
    select * from openf1
),

conformed as (
    select * from unioned
    where driver_number is not null and lap_number is not null
    qualify {{ one_source_per_session(['session_id', 'driver_number', 'lap_number']) }}
)

select
    session_id, season, round, session_code, driver_number, lap_number,
    row_number() over (partition by session_id, driver_number order by lap_number) as stop_number,
    pit_in_utc, pit_lane_ms, source
from conformed
