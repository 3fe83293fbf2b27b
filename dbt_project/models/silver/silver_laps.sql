-- One row per driver lap, times in integer milliseconds, timestamps in UTC. Deleted laps are
-- kept and flagged. FastF1 is preferred per session; OpenF1 laps fill sessions FastF1 lacks.
with fastf1 as (
    select
        {{ session_identity() }},
        driver_number,
        driver as abbreviation,
        team as team_name,
        lap_number,
        lap_time_ms,
        sector1_time_ms,
        sector2_time_ms,
        sector3_time_ms,
        lap_start_date as lap_start_utc,
        lap_start_session_time_ms,
        lap_end_session_time_ms,
        pit_in_session_time_ms,
        pit_out_session_time_ms,
        pit_in_session_time_ms is not null as is_pit_in_lap,
        pit_out_session_time_ms is not null as is_pit_out_lap,
        speed_i1_kph,
        speed_i2_kph,
        speed_fl_kph,
        speed_st_kph,
        coalesce(is_personal_best, false) as is_personal_best,
        -- FastF1 writes a missing compound as the text "nan"
        nullif(nullif(upper(trim(compound)), 'NAN'), '') as compound,
        tyre_life,
        fresh_tyre,
        stint,
        track_status,
        position,
        coalesce(deleted, false) as is_deleted,
        deleted_reason,
        fastf1_generated as is_fastf1_generated,
        is_accurate,
        'fastf1' as source,
        1 as source_rank
    from {{ bronze('bronze_fastf1', 'laps') }}
),

openf1_laps as (
    select
        l.*,
        -- OpenF1 flags out-laps only: the lap before an out-lap is the in-lap
        coalesce(lead(l.is_pit_out_lap) over (
            partition by l.season, l.round, l.session, l.driver_number order by l.lap_number
        ), false) as next_is_pit_out
    from {{ bronze('bronze_openf1', 'laps') }} as l
),

openf1 as (
    select
        {{ session_identity() }},
        l.driver_number::varchar as driver_number,
        d.name_acronym as abbreviation,
        d.team_name,
        l.lap_number,
        round(l.lap_duration * 1000)::bigint as lap_time_ms,
        round(l.duration_sector_1 * 1000)::bigint as sector1_time_ms,
        round(l.duration_sector_2 * 1000)::bigint as sector2_time_ms,
        round(l.duration_sector_3 * 1000)::bigint as sector3_time_ms,
        l.date_start as lap_start_utc,
        null::bigint as lap_start_session_time_ms,
        null::bigint as lap_end_session_time_ms,
        null::bigint as pit_in_session_time_ms,
        null::bigint as pit_out_session_time_ms,
        l.next_is_pit_out as is_pit_in_lap,
        coalesce(l.is_pit_out_lap, false) as is_pit_out_lap,
        l.i1_speed::double as speed_i1_kph,
        l.i2_speed::double as speed_i2_kph,
        null::double as speed_fl_kph,
        l.st_speed::double as speed_st_kph,
        false as is_personal_best,
        null::varchar as compound,
        null::bigint as tyre_life,
        null::boolean as fresh_tyre,
        null::bigint as stint,
        null::varchar as track_status,
        null::bigint as position,
        false as is_deleted,
        null::varchar as deleted_reason,
        false as is_fastf1_generated,
        -- OpenF1 has no accuracy flag: a lap with a time and all three sectors is usable
        l.lap_duration is not null and l.duration_sector_1 is not null
            and l.duration_sector_2 is not null and l.duration_sector_3 is not null as is_accurate,
        'openf1' as source,
        2 as source_rank
    from openf1_laps as l
    left join {{ bronze('bronze_openf1', 'drivers') }} as d
        using (season, round, session, driver_number)
),

unioned as (
    select * from fastf1
    union all by name
    select * from openf1
)

select * exclude (source_rank)
from unioned
where driver_number is not null and lap_number is not null
qualify {{ one_source_per_session(['session_id', 'driver_number', 'lap_number']) }}
