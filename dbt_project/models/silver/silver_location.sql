-- Car position on track (x, y, z in the circuit's 1/10 m frame), one row per driver sample.
-- Per-partition and append-only like silver_car_data.
with unioned as (
    select
        season || '-' || round || '-' || session as session_id,
        driver_number,
        date as sample_utc,
        round(x)::integer as x,
        round(y)::integer as y,
        round(z)::integer as z,
        'fastf1' as source,
        1 as source_rank
    from {{ bronze('bronze_fastf1', 'position') }}
    union all
    select
        season || '-' || round || '-' || session,
        driver_number::varchar,
        date,
        x::integer,
        y::integer,
        z::integer,
        'openf1',
        2
    from {{ bronze('bronze_openf1', 'location') }}
)

select
    session_id,
    split_part(session_id, '-', 1)::integer as season,
    split_part(session_id, '-', 2)::integer as round,
    split_part(session_id, '-', 3) as session_code,
    driver_number, sample_utc, x, y, z, source
from unioned
where driver_number is not null and sample_utc is not null
qualify {{ one_source_per_session(['session_id', 'driver_number', 'sample_utc']) }}
