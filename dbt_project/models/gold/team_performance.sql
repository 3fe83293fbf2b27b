-- One row per constructor and season: results, qualifying and pace over the recorded sessions.
with results as (
    select
        s.season,
        r.session_id,
        r.session_code,
        r.team_id,
        r.position,
        r.classified_position,
        r.grid_position,
        r.points
    from {{ ref('session_leaderboard') }} as r
    inner join {{ ref('dim_sessions') }} as s using (session_id)
),

races as (
    select
        season,
        team_id,
        count(distinct session_id) filter (where session_code = 'R') as races,
        count(distinct session_id) filter (where session_code = 'S') as sprints,
        count(*) filter (where session_code = 'R') as race_starts,
        -- unknown points in any result make the total unknown (null), not smaller
        {{ known_sum("points", "session_code in ('R', 'S')") }} as points,
        {{ known_sum("points", "session_code = 'S'") }} as sprint_points,
        count(*) filter (where session_code = 'R' and position = 1 and classified_position = '1') as wins,
        count(*) filter (where session_code = 'R' and position <= 3
            and {{ regexp_whole_match("classified_position", "'[0-9]+'") }}) as podiums,
        count(*) filter (where session_code = 'R'
            and not {{ regexp_whole_match("coalesce(classified_position, '')", "'[0-9]+'") }}) as non_classified,
        count(*) filter (where session_code = 'Q' and position = 1) as poles,
        min(position) filter (where session_code = 'R') as best_race_position,
        round(avg(position) filter (where session_code = 'R'), 2) as avg_race_position,
        round(avg(grid_position) filter (where session_code = 'R' and grid_position > 0), 2) as avg_grid_position,
        round(avg(position) filter (where session_code = 'Q'), 2) as avg_qualifying_position
    from results
    group by season, team_id
),

one_twos as (
    select season, team_id, count(*) as one_two_finishes
    from (
        select season, session_id, team_id
        from results
        where session_code = 'R' and position <= 2 and {{ regexp_whole_match("classified_position", "'[0-9]+'") }}
        group by all
        having count(*) = 2
    )
    group by all
)

select
    r.season,
    r.team_id,
    t.team_name,
    t.lineage_key,
    r.races,
    r.sprints,
    r.race_starts,
    r.points,
    r.sprint_points,
    case when r.races > 0 then round(r.points / r.races, 2) end as points_per_race,
    r.wins,
    r.podiums,
    coalesce(o.one_two_finishes, 0) as one_two_finishes,
    r.poles,
    r.non_classified,
    r.best_race_position,
    r.avg_race_position,
    r.avg_grid_position,
    r.avg_qualifying_position
from races as r
left join one_twos as o using (season, team_id)
left join {{ ref('dim_teams') }} as t using (team_id)
