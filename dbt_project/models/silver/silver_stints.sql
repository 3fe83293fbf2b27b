-- One row per driver stint: compound, laps covered and tyre age. FastF1 stints are derived from
-- its laps (already in silver for this run); OpenF1 publishes stints.
with fastf1 as (
    select
        session_id,
        any_value(season) as season,
        any_value(round) as round,
        any_value(session_code) as session_code,
        driver_number,
        stint as stint_number,
        min(lap_number) as lap_start,
        max(lap_number) as lap_end,
        mode(compound) as compound,
        -- FastF1's tyre life counts the current lap: the age before the stint's first lap
        greatest(min(tyre_life) - 1, 0) as tyre_age_at_start,
        bool_or(fresh_tyre) as is_fresh_tyre,
        'fastf1' as source,
        1 as source_rank
    from {{ ref('silver_laps') }}
    where {{ session_filter() }} and stint is not null and source = 'fastf1'
    group by session_id, driver_number, stint
),

openf1 as (
    select
        session_id,
        season,
        round,
        session_code,
        driver_number,
        stint_number,
        lap_start,
        lap_end,
        compound,
        tyre_age_at_start,
        tyre_age_at_start = 0 as is_fresh_tyre,
        'openf1' as source,
        2 as source_rank
    from {{ ref('stg_openf1__stints') }}
),

unioned as (
    select * from fastf1
    union all
    select * from openf1
)

select
    session_id, season, round, session_code, driver_number, stint_number,
    lap_start, lap_end, lap_end - lap_start + 1 as stint_laps,
    upper(compound) as compound, tyre_age_at_start, is_fresh_tyre, source
from (
    select *, {{ one_source_per_session(['session_id', 'driver_number', 'stint_number']) }} as is_chosen
    from unioned
    where driver_number is not null and stint_number is not null
) as ranked
where is_chosen
