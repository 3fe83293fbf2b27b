-- One row per driver lap with car telemetry: top speed, share of samples at full throttle
-- (>= 98 %), braking zones (a brake application after at least one sample off the brake) and
-- DRS use. Each sample belongs to the lap that started last at or before it (and before its end).
-- Incremental per session (dbt_project.yml): a gold build recomputes only the sessions whose
-- silver (car data, or the laps behind fact_laps) was rebuilt since, so adding a session never
-- rereads the history's telemetry (~0.7 M car samples per race).
{%- set sessions = refreshed_sessions_filter('session_id') %}
with samples as (
    select
        session_id,
        driver_number,
        sample_utc,
        speed_kph,
        throttle_pct,
        drs,
        is_braking and not coalesce(
            lag(is_braking) over (partition by session_id, driver_number order by sample_utc), false
        ) as brake_starts
    from {{ ref('silver_car_data') }}
    where {{ sessions }}
),

laps as (
    select session_id, driver_number, lap_number, lap_start_utc, lap_end_utc, season, round, session_code
    from {{ ref('fact_laps') }}
    where lap_start_utc is not null and {{ sessions }}
),

placed as (
    {{ samples_in_laps('samples', 'laps', ['speed_kph', 'throttle_pct', 'drs', 'brake_starts']) }}
)

select
    {{ session_header('s', grouped=true) }},
    s.driver_number,
    s.lap_number,
    count(*) as samples,
    max(s.speed_kph) as top_speed_kph,
    round(avg(s.speed_kph), 1) as avg_speed_kph,
    round(count(*) filter (where s.throttle_pct >= 98) / count(*), 4) as full_throttle_share,
    count(*) filter (where s.brake_starts) as braking_zones,
    round(count(*) filter (where s.drs >= 10) / count(*), 4) as drs_open_share
from placed as s
group by s.session_id, s.driver_number, s.lap_number
