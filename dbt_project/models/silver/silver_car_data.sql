-- Car telemetry, one row per driver sample (~4 Hz): ~0.7 M rows per race. Reads only the
-- run's partition files and appends: history is never rescanned. Raw telemetry is messy (cars
-- in the garage report gears far above 8 at zero speed): a value outside its plausible range
-- is nulled here (bronze keeps it) and the sample is flagged, so a real session always lands
-- and the quarantine is counted (the warning test on is_plausible).
with unioned as (
    select
        season || '-' || round || '-' || session as session_id,
        driver_number,
        date as sample_utc,
        round(speed_kph)::integer as speed_kph,
        round(rpm)::integer as rpm,
        gear::integer as gear,
        round(throttle_pct)::integer as throttle_pct,
        brake as is_braking,
        drs::integer as drs,
        'fastf1' as source,
        1 as source_rank
    from {{ bronze('bronze_fastf1', 'car_data') }}
    union all
    select
        season || '-' || round || '-' || session,
        driver_number::varchar,
        date,
        speed::integer,
        rpm::integer,
        n_gear::integer,
        throttle::integer,
        -- OpenF1 sends brake as 0 or 100
        brake > 0,
        drs::integer,
        'openf1',
        2
    from {{ bronze('bronze_openf1', 'car_data') }}
),

checked as (
    select
        *,
        speed_kph between 0 and 400 as speed_ok,
        rpm between 0 and 20000 as rpm_ok,
        gear between 0 and 8 as gear_ok,
        throttle_pct between 0 and 104 as throttle_ok
    from unioned
    where driver_number is not null and sample_utc is not null
    qualify {{ one_source_per_session(['session_id', 'driver_number', 'sample_utc']) }}
)

select
    session_id,
    split_part(session_id, '-', 1)::integer as season,
    split_part(session_id, '-', 2)::integer as round,
    split_part(session_id, '-', 3) as session_code,
    driver_number,
    sample_utc,
    case when speed_ok is not false then speed_kph end as speed_kph,
    case when rpm_ok is not false then rpm end as rpm,
    case when gear_ok is not false then gear end as gear,
    case when throttle_ok is not false then throttle_pct end as throttle_pct,
    is_braking,
    drs,
    -- a missing value is not implausible
    speed_ok is not false and rpm_ok is not false and gear_ok is not false
        and throttle_ok is not false as is_plausible,
    source
from checked
