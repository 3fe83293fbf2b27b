-- One row per weather sample (about one a minute), in UTC. FastF1 stamps samples in session
-- time: t0 (recovered in silver_sessions) turns them into UTC.
{%- set columns = ['session_id', 'season', 'round', 'session_code', 'sample_utc', 'air_temp_c',
    'track_temp_c', 'humidity_pct', 'pressure_mbar', 'rainfall', 'wind_direction_deg',
    'wind_speed_mps'] %}
with fastf1 as (
    select w.*, {{ timestamp_add_ms('s.timing_t0_utc', 'w.session_time_ms') }} as sample_utc
    from {{ ref('stg_fastf1__weather') }} as w
    inner join {{ ref('silver_sessions') }} as s using (session_id)
    where s.timing_t0_utc is not null
),

unioned as (
    select {{ columns | join(', ') }}, 'fastf1' as source, 1 as source_rank from fastf1
    union all
    select {{ columns | join(', ') }}, 'openf1' as source, 2 as source_rank
    from {{ ref('stg_openf1__weather') }}
)

select
    session_id,
    season,
    round,
    session_code,
    sample_utc,
    air_temp_c, track_temp_c, humidity_pct, pressure_mbar, rainfall,
    wind_direction_deg::integer as wind_direction_deg, wind_speed_mps,
    source
from (
    select *, {{ one_source_per_session(['session_id', 'sample_utc']) }} as is_chosen
    from unioned
    where sample_utc is not null
) as ranked
where is_chosen
