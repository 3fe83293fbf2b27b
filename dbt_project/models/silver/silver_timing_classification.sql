-- The classification of a session derived from lap timing alone, for sessions no results
-- source covers (silver_results falls back to it) and, where an official result exists, for the
-- reconciliation to compare. One rule for every lap source:
--   order       laps completed, then the moment the last of them was completed (the order
--               across the line at the chequered flag; time penalties are not applied, so a
--               penalised driver differs from the official result, which the reconciliation
--               reports);
--   status      took the flag (completed a lap at or after the winner finished) on the
--               winner's lap: finished; on fewer laps: lapped (+N laps); otherwise retired
--               (the reason is not in the timing data: null);
--   classified  at least 90 % of the winner's laps, else 'R';
--   points      the era's scale by classified position, plus the fastest-lap point where the
--               era awards it (macros/rules/);
--   grid        the first position sample before the start, else null (not invented);
--   race time and gaps: null: lap timing dates laps to about a second, not to the
--               official thousandth.
with laps as (
    select
        *,
        -- a lap was completed when it has a time, a last-sector time (a lap ended in the pit
        -- lane) or another lap after it; the lap a car stops on may carry a timestamp, no time
        lap_time_ms is not null or sector3_time_ms is not null or lead(lap_number) over (
            partition by session_id, driver_number order by lap_number) is not null as is_completed
    from {{ ref('silver_laps') }}
    where {{ session_filter() }} and session_code in ('R', 'S')
),

per_driver as (
    select
        session_id,
        driver_number,
        count(case when is_completed then 1 end) as laps_completed,
        max(case when is_completed then lap_end_utc end) as finish_utc,
        min(lap_start_utc) as first_lap_start_utc,
        min(case when is_deleted is not true then lap_time_ms end) as best_lap_ms,
        any_value(source) as source
    from laps
    group by session_id, driver_number
),

race as (
    select
        session_id,
        max(laps_completed) as winner_laps,
        min(first_lap_start_utc) as start_utc,
        min(best_lap_ms) as fastest_lap_ms
    from per_driver
    group by session_id
),

winner as (
    select p.session_id, min(p.finish_utc) as winner_finish_utc
    from per_driver as p
    inner join race as r on r.session_id = p.session_id and p.laps_completed = r.winner_laps
    group by p.session_id
),

grid as (
    -- only a sample taken before the start is a grid slot
    select p.session_id, p.driver_number, min_by(p.position, case when p.position is not null then p.position_utc end)
        as grid_position
    from {{ ref('silver_positions') }} as p
    inner join race as r on r.session_id = p.session_id
    where {{ session_filter('p.session_id') }} and p.position_utc < r.start_utc
    group by p.session_id, p.driver_number
),

ordered as (
    select
        d.session_id,
        d.season,
        d.round,
        d.session_code,
        d.driver_number,
        p.laps_completed,
        r.winner_laps,
        p.finish_utc >= w.winner_finish_utc as took_flag,
        p.best_lap_ms is not null and p.best_lap_ms = r.fastest_lap_ms as has_fastest_lap,
        g.grid_position,
        p.source,
        case when p.laps_completed is not null then row_number() over (
            partition by d.session_id, p.laps_completed is null
            order by p.laps_completed desc, p.finish_utc nulls last, d.driver_number
        ) end as position
    from {{ ref('silver_drivers') }} as d
    inner join race as r on r.session_id = d.session_id
    left join winner as w on w.session_id = d.session_id
    left join per_driver as p on p.session_id = d.session_id and p.driver_number = d.driver_number
    left join grid as g on g.session_id = d.session_id and g.driver_number = d.driver_number
    where {{ session_filter('d.session_id') }}
),

classified as (
    select
        *,
        case
            when laps_completed is null then null
            when took_flag and laps_completed = winner_laps then 'finished'
            when took_flag then 'lapped'
            else 'retired'
        end as status_class,
        laps_completed >= floor(0.9 * winner_laps) as is_classified
    from ordered
),

race_rows as (
    select
        session_id,
        season,
        round,
        session_code,
        driver_number,
        position,
        case when is_classified then position::string when position is not null then 'R' end
            as classified_position,
        grid_position,
        laps_completed,
        winner_laps - laps_completed as laps_behind,
        status_class,
        case status_class
            when 'finished' then 'Finished'
            when 'lapped' then '+' || (winner_laps - laps_completed)::string
                || case when winner_laps - laps_completed = 1 then ' Lap' else ' Laps' end
        end as status,
        case when position is not null then
            {{ base_points('season', 'session_code', 'case when is_classified then position end') }}
            + case when has_fastest_lap and coalesce(
                {{ fastest_lap_point_applies('season', 'session_code', 'case when is_classified then position end') }},
                false) then 1 else 0 end
        end::double as points,
        case when grid_position is null then 'grid: no position sample before the start' end
            as grid_note,
        null::bigint as q1_ms,
        null::bigint as q2_ms,
        null::bigint as q3_ms,
        source
    from classified
),

-- Qualifying and sprint qualifying: each driver's best valid lap in every segment (a lap
-- belongs to the segment it started in: silver_qualifying_segments), ranked as the official
-- result is: by the last segment a driver went out in, then by the time in it (none: last of
-- that segment), then by the earlier segments' times.
segments as (
    select session_id, segment, start_utc, end_utc
    from {{ ref('silver_qualifying_segments') }}
    where {{ session_filter() }}
),

qualifying_laps as (
    select
        l.session_id,
        l.driver_number,
        g.segment,
        -- a time counts from a flying lap: not deleted, not an out- or in-lap, and either
        -- accurate or with three sectors that add up to it (FastF1 marks laps its timing
        -- could not check, real ones among them: 2022-02-Q Stroll's 1:31.009)
        case when l.is_deleted is not true and l.is_pit_out_lap is not true
            and l.is_pit_in_lap is not true
            and (l.is_accurate is not false
                or abs(l.sector1_time_ms + l.sector2_time_ms + l.sector3_time_ms - l.lap_time_ms) <= 5)
        then l.lap_time_ms end as valid_lap_ms
    from {{ ref('silver_laps') }} as l
    inner join segments as g
        on g.session_id = l.session_id
        and l.lap_start_utc >= g.start_utc
        and (g.end_utc is null or l.lap_start_utc < g.end_utc)
    where {{ session_filter('l.session_id') }} and l.session_code in ('Q', 'SQ')
),

segment_bests as (
    select
        session_id,
        driver_number,
        -- the last segment the driver went out in, timed or not (a crash in Q2 is out in Q2)
        max(segment) as segment_reached,
        min(case when segment = 1 then valid_lap_ms end) as q1_ms,
        min(case when segment = 2 then valid_lap_ms end) as q2_ms,
        min(case when segment = 3 then valid_lap_ms end) as q3_ms
    from qualifying_laps
    group by session_id, driver_number
),

qualifying_rows as (
    select
        d.session_id,
        d.season,
        d.round,
        d.session_code,
        d.driver_number,
        case when b.q1_ms is not null or b.q2_ms is not null or b.q3_ms is not null then
            row_number() over (
                partition by d.session_id, b.q1_ms is null and b.q2_ms is null and b.q3_ms is null
                order by b.segment_reached desc, b.q3_ms nulls last, b.q2_ms nulls last,
                    b.q1_ms nulls last, d.driver_number
            )
        end as position,
        null::string as classified_position,
        null::bigint as grid_position,
        null::bigint as laps_completed,
        null::bigint as laps_behind,
        null::string as status_class,
        null::string as status,
        null::double as points,
        null::string as grid_note,
        b.q1_ms,
        b.q2_ms,
        b.q3_ms,
        l.source
    from {{ ref('silver_drivers') }} as d
    inner join (select distinct session_id from segments) as s on s.session_id = d.session_id
    left join segment_bests as b on b.session_id = d.session_id and b.driver_number = d.driver_number
    left join (
        select session_id, any_value(source) as source from {{ ref('silver_laps') }}
        where {{ session_filter() }} group by session_id
    ) as l on l.session_id = d.session_id
    where {{ session_filter('d.session_id') }} and d.session_code in ('Q', 'SQ')
)

select * from race_rows
union all
select * from qualifying_rows
