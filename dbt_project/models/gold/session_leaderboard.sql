-- One row per driver and session, as the timing screen ranks it. Qualifying (Q, SQ) is ranked by
-- segment: everyone's Q1 time, then Q2 for those who reached it, then Q3; the final order is the
-- official one. Races and sprints follow the classification (official, else derived from
-- timing: classification_source). A lapped finisher is laps behind (`+1 Lap`), with no race
-- time and no gap; only lead-lap finishers have a gap to the winner.
with results as (
    select * from {{ ref('silver_results') }}
),

best_laps as (
    select session_id, driver_number, min(lap_time_ms) as best_lap_ms
    from {{ ref('silver_laps') }}
    where lap_time_ms is not null and is_deleted is not true
    group by all
),

ranked as (
    select
        r.*,
        b.best_lap_ms,
        -- The segment a driver reached, also when they set no time in it: ten cars go to Q3,
        -- and Q2 takes half of the rest on top (20 cars: 15, 22 cars: 16, 24 cars: 17).
        case
            when r.q3_ms is not null then 3
            when r.q2_ms is not null and r.position <= 10 then 3
            when r.q2_ms is not null then 2
            when r.q1_ms is not null
                and r.position <= 10 + {{ integer_divide('count(*) over (partition by r.session_id) - 10', '2') }} then 2
            else 1
        end as segment_reached,
        -- segment ranks among the drivers who set a time in that segment
        case when r.q1_ms is not null then cast(rank() over (
            partition by r.session_id, r.q1_ms is null order by r.q1_ms) as bigint) end as q1_rank,
        case when r.q2_ms is not null then cast(rank() over (
            partition by r.session_id, r.q2_ms is null order by r.q2_ms) as bigint) end as q2_rank,
        case when r.q3_ms is not null then cast(rank() over (
            partition by r.session_id, r.q3_ms is null order by r.q3_ms) as bigint) end as q3_rank,
        min(r.q3_ms) over (partition by r.session_id) as pole_ms,
        max(case when r.position = 1 then r.time_ms end) over (partition by r.session_id) as winner_time_ms,
        max(r.laps_completed) over (partition by r.session_id) as winner_laps,
        cast(row_number() over (
            partition by r.session_id order by b.best_lap_ms nulls last, r.position nulls last, r.driver_number nulls last
        ) as bigint) as best_lap_rank
    from results as r
    left join best_laps as b using (session_id, driver_number)
)

select
    {{ session_header('s') }},
    s.official_session_name,
    r.driver_number,
    upper(r.abbreviation) as driver_key,
    r.team_id,
    r.team_name,
    -- the leaderboard position: official for race, sprint and qualifying; by best lap otherwise
    case when r.session_code in ('R', 'S', 'Q', 'SQ') then r.position else r.best_lap_rank end
        as position,
    r.classified_position,
    r.status,
    r.points,
    r.grid_position,
    r.laps_completed,
    case when r.grid_position > 0 then r.grid_position - r.position end as positions_gained,
    r.q1_ms,
    r.q2_ms,
    r.q3_ms,
    r.q1_rank,
    r.q2_rank,
    r.q3_rank,
    case when r.session_code in ('Q', 'SQ') then
        case r.session_code when 'Q' then 'Q' else 'SQ' end || cast(r.segment_reached as string)
    end as segment_reached,
    -- the time that ranked the driver in the last segment reached
    case when r.session_code in ('Q', 'SQ') then coalesce(r.q3_ms, r.q2_ms, r.q1_ms) end
        as qualifying_time_ms,
    case when r.session_code in ('Q', 'SQ') and r.q3_ms is not null then r.q3_ms - r.pole_ms end
        as gap_to_pole_ms,
    r.status_class,
    case when r.session_code in ('R', 'S') and r.status_class = 'lapped'
        then r.winner_laps - r.laps_completed end as laps_behind,
    -- FastF1 gives the winner's race time and every lead-lap finisher's gap to it; a lapped or
    -- retired car has neither (its "gap" in the feed is not a time behind the winner)
    case when r.session_code in ('R', 'S') and r.status_class = 'finished' then
        case when r.position = 1 then r.time_ms else r.winner_time_ms + r.time_ms end
    end as race_time_ms,
    case when r.session_code in ('R', 'S') and r.status_class = 'finished' and r.position > 1
        then r.time_ms end as gap_to_winner_ms,
    -- how the official result reads it: the gap, "+N Lap(s)", or the status
    case when r.session_code in ('R', 'S') then
        case
            when r.status_class = 'finished' and r.position = 1 then null
            when r.status_class = 'finished' and r.time_ms is not null then
                '+' || {{ seconds_text('r.time_ms') }}
            when r.status_class = 'lapped' then '+' || cast(r.winner_laps - r.laps_completed as string)
                || case when r.winner_laps - r.laps_completed = 1 then ' Lap' else ' Laps' end
            else r.status
        end
    end as result_text,
    r.best_lap_ms,
    r.best_lap_rank,
    r.source,
    r.classification_source
from ranked as r
inner join {{ ref('dim_sessions') }} as s using (session_id)
