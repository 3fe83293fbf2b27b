-- Constructors' championship after every recorded round: both cars' official points, race and
-- sprint, per constructor (Ergast constructor ref). Countback on the constructor's best race
-- results, as for drivers. covers_every_round as in driver_standings.
{% set countback_places = 25 %}
with scored as (
    select
        r.season,
        r.round,
        r.team_id,
        r.session_code,
        r.points,
        -- countback runs over the finishing order, retirements included (as Ergast ranks
        -- ties: 2023 round 1, Ocon ahead of Leclerc on 0 points, both out)
        case when r.session_code = 'R' then r.position end as race_place
    from {{ ref('silver_results') }} as r
    inner join {{ ref('dim_sessions') }} as s using (session_id)
    where s.is_points_scoring
),

rounds as (
    select distinct season, round, covers_every_round from {{ ref('driver_standings') }}
),

grid as (
    select r.season, r.round, r.covers_every_round, t.team_id
    from rounds as r
    inner join (
        select season, team_id, min(round) as first_round from scored group by all
    ) as t on t.season = r.season and t.first_round <= r.round
),

per_round as (
    select
        g.season,
        g.round,
        g.covers_every_round,
        g.team_id,
        -- a result whose points are unknown makes the round, and every total after it, unknown
        {{ known_sum("s.points", "s.session_code is not null") }} as round_points,
        {{ known_sum("s.points", "s.session_code = 'S'") }} as sprint_points,
        {%- for place in range(1, countback_places + 1) %}
        count(*) filter (where s.race_place = {{ place }}) as r{{ place }},
        {%- endfor %}
        count(*) filter (where s.race_place is not null) as race_results
    from grid as g
    left join scored as s using (season, round, team_id)
    group by all
),

cumulative as (
    select
        *,
        case when count(round_points) over w = count(*) over w then sum(round_points) over w end as points,
        {%- for place in range(1, countback_places + 1) %}
        sum(r{{ place }}) over w as p{{ place }},
        {%- endfor %}
        case when count(sprint_points) over w = count(*) over w then sum(sprint_points) over w end as sprint_points_total
    from per_round
    window w as (partition by season, team_id order by round)
)

select
    season,
    round,
    team_id,
    row_number() over (
        partition by season, round
        order by points desc,
        {%- for place in range(1, countback_places + 1) %} p{{ place }} desc,{% endfor %}
        team_id
    ) as position,
    points,
    round_points,
    sprint_points,
    sprint_points_total,
    p1 as wins,
    covers_every_round
from cumulative
