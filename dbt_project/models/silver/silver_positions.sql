-- Running order over time: one row per driver and position change (OpenF1 `position`), or per
-- completed lap (FastF1 lap-end positions, stamped in UTC via t0).
with fastf1 as (
    select
        l.session_id,
        l.driver_number,
        {{ timestamp_add_ms('s.timing_t0_utc', 'l.lap_end_session_time_ms') }} as position_utc,
        l.position::integer as position,
        l.lap_number::integer as lap_number,
        'fastf1' as source,
        1 as source_rank
    from {{ ref('silver_laps') }} as l
    inner join {{ ref('silver_sessions') }} as s using (session_id)
    where {{ session_filter('l.session_id') }} and l.source = 'fastf1'
        and l.position is not null and l.lap_end_session_time_ms is not null
        and s.timing_t0_utc is not null
),

openf1 as (
    select
        session_id,
        driver_number,
        position_utc,
        position,
        null::integer as lap_number,
        'openf1' as source,
        2 as source_rank
    from {{ ref('stg_openf1__position') }}
)

select
    session_id,
    split_part(session_id, '-', 1)::integer as season,
    split_part(session_id, '-', 2)::integer as round,
    split_part(session_id, '-', 3) as session_code,
    driver_number, position_utc, position, lap_number, source
from (
    select *, {{ one_source_per_session(['session_id', 'driver_number', 'position_utc']) }} as is_chosen
    from (select * from fastf1 union all select * from openf1) as unioned
    where driver_number is not null and position_utc is not null
) as ranked
where is_chosen
