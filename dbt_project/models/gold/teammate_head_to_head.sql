-- Teammates compared per season: who out-qualified whom (Q sessions both took part in), who
-- finished ahead in races both were classified in, and points. One row per pair, driver_a
-- being the alphabetically first code.
with results as (
    select
        r.season,
        r.session_id,
        r.session_code,
        r.team_id,
        r.driver_key,
        r.position,
        {{ regexp_whole_match("coalesce(r.classified_position, '')", "'[0-9]+'") }} as is_classified,
        r.points
    from {{ ref('session_leaderboard') }} as r
    where r.session_code in ('Q', 'R', 'S')
),

pairs as (
    select
        a.season,
        a.team_id,
        a.session_id,
        a.session_code,
        a.driver_key as driver_a,
        b.driver_key as driver_b,
        a.position as position_a,
        b.position as position_b,
        a.is_classified and b.is_classified as both_classified,
        a.points as points_a,
        b.points as points_b
    from results as a
    inner join results as b
        on a.session_id = b.session_id and a.team_id = b.team_id and a.driver_key < b.driver_key
)

select
    season,
    team_id,
    driver_a,
    driver_b,
    count(*) filter (where session_code = 'Q') as qualifying_sessions,
    count(*) filter (where session_code = 'Q' and position_a < position_b) as qualifying_wins_a,
    count(*) filter (where session_code = 'Q' and position_b < position_a) as qualifying_wins_b,
    count(*) filter (where session_code = 'R' and both_classified) as races_both_classified,
    count(*) filter (where session_code = 'R' and both_classified and position_a < position_b)
        as race_wins_a,
    count(*) filter (where session_code = 'R' and both_classified and position_b < position_a)
        as race_wins_b,
    {{ known_sum("points_a", "session_code in ('R', 'S')") }} as points_a,
    {{ known_sum("points_b", "session_code in ('R', 'S')") }} as points_b
from pairs
group by season, team_id, driver_a, driver_b
