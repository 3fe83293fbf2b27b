-- Drivers' championship after every recorded round, from the races and sprints in silver.
-- Points are the official ones (they carry half points and penalties the rules cannot know;
-- points_audit checks them against the era rules). Ties are broken by countback: most wins,
-- then most second places, and so on over race finishing positions.
-- With only some rounds recorded the totals are "over the recorded rounds";
-- covers_every_round says whether rounds 1..round are all there (race, and sprint on a
-- sprint weekend), i.e. whether the row is the official standing.
{% set countback_places = 25 %}
with scored as (
    select
        r.season,
        r.round,
        upper(r.abbreviation) as driver_key,
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
    -- a round counts as recorded when its race is; a sprint weekend also needs its sprint
    select
        s.season,
        s.round,
        bool_or(s.session_code = 'R') as has_race,
        bool_or(s.session_code = 'S') as has_sprint,
        bool_or(s.is_sprint_weekend) as is_sprint_weekend
    from {{ ref('dim_sessions') }} as s
    where s.is_points_scoring
    group by all
),

round_complete as (
    select
        *,
        has_race and (has_sprint or not is_sprint_weekend) as is_complete,
        -- every round from 1 to this one is present and complete
        count(*) filter (where has_race and (has_sprint or not is_sprint_weekend))
            over (partition by season order by round) = round as covers_every_round
    from rounds
),

grid as (
    -- every driver who has appeared by a round is in that round's standings
    select c.season, c.round, c.covers_every_round, d.driver_key
    from round_complete as c
    inner join (
        select season, driver_key, min(round) as first_round from scored group by all
    ) as d on d.season = c.season and d.first_round <= c.round
),

per_round as (
    select
        g.season,
        g.round,
        g.covers_every_round,
        g.driver_key,
        -- no result in a session is 0 points; a result whose points are unknown makes the
        -- round's points, and every total after it, unknown (null, not 0)
        {{ known_sum("s.points", "s.session_code = 'R'") }} as race_points,
        {{ known_sum("s.points", "s.session_code = 'S'") }} as sprint_points,
        {{ known_sum("s.points", "s.session_code is not null") }} as round_points,
        min(s.race_place) as race_place
    from grid as g
    left join scored as s using (season, round, driver_key)
    group by all
),

cumulative as (
    select
        *,
        case when count(round_points) over w = count(*) over w then sum(round_points) over w end as points,
        case when count(sprint_points) over w = count(*) over w then sum(sprint_points) over w end as sprint_points_total,
        {%- for place in range(1, countback_places + 1) %}
        count(*) filter (where race_place = {{ place }}) over w as p{{ place }},
        {%- endfor %}
        count(*) filter (where race_place is not null) over w as races
    from per_round
    window w as (partition by season, driver_key order by round)
)

select
    season,
    round,
    driver_key,
    row_number() over (
        partition by season, round
        order by points desc,
        {%- for place in range(1, countback_places + 1) %} p{{ place }} desc,{% endfor %}
        driver_key
    ) as position,
    points,
    round_points,
    race_points,
    sprint_points,
    sprint_points_total,
    p1 as wins,
    p1 + p2 + p3 as podiums,
    covers_every_round
from cumulative
