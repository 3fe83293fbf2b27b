-- One row per weather sample (about one a minute), in UTC. FastF1 stamps samples in session
-- time: t0 (recovered in silver_sessions) turns them into UTC.
with fastf1 as (
    select
        w.season || '-' || w.round || '-' || w.session as session_id,
        w.session_time_ms,
        w.air_temp_c,
        w.track_temp_c,
        w.humidity_pct,
        w.pressure_mbar,
        w.rainfall,
        w.wind_direction_deg,
        w.wind_speed_mps,
        'fastf1' as source,
        1 as source_rank
    from {{ bronze('bronze_fastf1', 'weather') }} as w
),

openf1 as (
    select
        season || '-' || round || '-' || session as session_id,
        date as sample_utc,
        air_temperature as air_temp_c,
        track_temperature as track_temp_c,
        humidity as humidity_pct,
        pressure as pressure_mbar,
        rainfall > 0 as rainfall,
        wind_direction as wind_direction_deg,
        wind_speed as wind_speed_mps,
        'openf1' as source,
        2 as source_rank
    from {{ bronze('bronze_openf1', 'weather') }}
),

unioned as (
    select f.* exclude (session_time_ms), s.timing_t0_utc + to_milliseconds(f.session_time_ms) as sample_utc
    from fastf1 as f
    inner join {{ ref('silver_sessions') }} as s using (session_id)
    where s.timing_t0_utc is not null
    union all by name
    select * from openf1
)

select
    session_id,
    split_part(session_id, '-', 1)::integer as season,
    split_part(session_id, '-', 2)::integer as round,
    split_part(session_id, '-', 3) as session_code,
    sample_utc,
    air_temp_c, track_temp_c, humidity_pct, pressure_mbar, rainfall,
    wind_direction_deg::integer as wind_direction_deg, wind_speed_mps,
    source
from unioned
where sample_utc is not null
qualify {{ one_source_per_session(['session_id', 'sample_utc']) }}
