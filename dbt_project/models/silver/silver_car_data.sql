-- Car telemetry, one row per driver sample (~4 Hz): ~0.7 M rows per race. Reads only the
-- run's partition files and appends: history is never rescanned.
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
)

select
    session_id,
    split_part(session_id, '-', 1)::integer as season,
    split_part(session_id, '-', 2)::integer as round,
    split_part(session_id, '-', 3) as session_code,
    driver_number, sample_utc, speed_kph, rpm, gear, throttle_pct, is_braking, drs, source
from unioned
where driver_number is not null and sample_utc is not null
qualify {{ one_source_per_session(['session_id', 'driver_number', 'sample_utc']) }}
