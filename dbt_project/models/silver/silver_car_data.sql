-- Car telemetry, one row per driver sample (~4 Hz): ~0.7 M rows per race. Reads only the
-- run's partition files and appends: history is never rescanned. Raw telemetry is messy (cars
-- in the garage report gears far above 8 at zero speed): a value outside its plausible range
-- is nulled here (bronze keeps it) and the sample is flagged, so a real session always lands
-- and the quarantine is counted (the warning test on is_plausible).
with samples as (
    {{ telemetry_samples(
        ref('stg_fastf1__car_data'), ref('stg_openf1__car_data'),
        ['speed_kph', 'rpm', 'gear', 'throttle_pct', 'is_braking', 'drs']) }}
),

checked as (
    select
        *,
        speed_kph between 0 and 400 as speed_ok,
        rpm between 0 and 20000 as rpm_ok,
        gear between 0 and 8 as gear_ok,
        throttle_pct between 0 and 104 as throttle_ok
    from samples
)

select
    session_id,
    season,
    round,
    session_code,
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
