-- One row per team and race weekend: points, best finishes and pace across every session,
-- sprint and sprint-qualifying sessions included.
select
    season,
    round,
    any_value(event_name) as event_name,
    team_id,
    max_by(team_name, session_code = 'R') as team_name,
    count(distinct driver_key) as drivers,
    count(distinct session_id) as sessions,
    {{ string_agg_distinct_sorted('session_code', "' '") }} as session_codes,
    -- a total over sessions is known only when every session's figure is (unknown is null)
    case when count(laps_recorded) = count(*) then cast(sum(laps_recorded) as bigint) end as laps_recorded,
    case when count(deleted_laps) = count(*) then cast(sum(deleted_laps) as bigint) end as deleted_laps,
    sum(points) filter (where session_code in ('R', 'S')) as points,
    sum(points) filter (where session_code = 'R') as race_points,
    sum(points) filter (where session_code = 'S') as sprint_points,
    min(position) filter (where session_code = 'R') as best_race_position,
    min(position) filter (where session_code = 'S') as best_sprint_position,
    min(position) filter (where session_code = 'Q') as best_qualifying_position,
    min(position) filter (where session_code = 'SQ') as best_sprint_qualifying_position,
    min(best_lap_ms) filter (where session_code = 'R') as best_race_lap_ms,
    min(best_lap_ms) filter (where session_code in ('Q', 'SQ')) as best_qualifying_lap_ms,
    case
        when count(pit_stops) filter (where session_code in ('R', 'S'))
            = count(*) filter (where session_code in ('R', 'S'))
        then cast(sum(pit_stops) filter (where session_code in ('R', 'S')) as bigint)
    end as race_pit_stops
from {{ ref('driver_session_summary') }}
group by season, round, team_id
