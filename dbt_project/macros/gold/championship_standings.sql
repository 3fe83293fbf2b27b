{#- The championship after every recorded round, one computation for drivers and constructors
    (driver_standings, constructor_standings): `competitor` is the output column, `key` the
    expression over silver_results (alias r) that gives it. Points are the official ones (they
    carry half points and penalties the rules cannot know; points_audit checks them against the
    era rules). Ties are broken by countback over race finishing positions, retirements included
    (as Ergast ranks ties: 2023 round 1, Ocon ahead of Leclerc on 0 points, both out): most wins,
    then most second places, and so on; a constructor counts both cars' places.
    With only some rounds recorded the totals are "over the recorded rounds"; covers_every_round
    says whether rounds 1..round are all there (race, and sprint on a sprint weekend), i.e.
    whether the row is the official standing. A result whose points are unknown makes its round,
    and every total after it, unknown (null, not 0); no result in a session is 0 points.
    wins and podiums are sums of counts (hugeint): a model casts them to its contract's type. -#}
{% macro championship_standings(competitor, key, countback_places=25) -%}
with scored as (
    select
        r.season,
        r.round,
        {{ key }} as {{ competitor }},
        r.session_code,
        r.points,
        case when r.session_code = 'R' then r.position end as race_place
    from {{ ref('silver_results') }} as r
    inner join {{ ref('dim_sessions') }} as s using (session_id)
    where s.is_points_scoring
),

rounds as (
    -- a round counts as recorded when its race is; a sprint weekend also needs its sprint
    select
        season,
        round,
        bool_or(session_code = 'R') as has_race,
        bool_or(session_code = 'S') as has_sprint,
        bool_or(is_sprint_weekend) as is_sprint_weekend
    from {{ ref('dim_sessions') }}
    where is_points_scoring
    group by season, round
),

round_complete as (
    select
        season,
        round,
        -- every round from 1 to this one is present and complete
        count(case when has_race and (has_sprint or not is_sprint_weekend) then 1 end)
            over (partition by season order by round) = round as covers_every_round
    from rounds
),

grid as (
    -- every competitor who has appeared by a round is in that round's standings
    select c.season, c.round, c.covers_every_round, f.{{ competitor }}
    from round_complete as c
    inner join (
        select season, {{ competitor }}, min(round) as first_round
        from scored
        group by season, {{ competitor }}
    ) as f on f.season = c.season and f.first_round <= c.round
),

per_round as (
    select
        g.season,
        g.round,
        g.covers_every_round,
        g.{{ competitor }},
        {{ known_sum("s.points", "s.session_code = 'R'") }} as race_points,
        {{ known_sum("s.points", "s.session_code = 'S'") }} as sprint_points,
        {{ known_sum("s.points", "s.session_code is not null") }} as round_points,
        {%- for place in range(1, countback_places + 1) %}
        count(case when s.race_place = {{ place }} then 1 end) as r{{ place }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from grid as g
    left join scored as s using (season, round, {{ competitor }})
    group by g.season, g.round, g.covers_every_round, g.{{ competitor }}
),

cumulative as (
    select
        *,
        case when count(round_points) over w = count(*) over w then sum(round_points) over w end as points,
        case when count(sprint_points) over w = count(*) over w then sum(sprint_points) over w end
            as sprint_points_total,
        {%- for place in range(1, countback_places + 1) %}
        sum(r{{ place }}) over w as p{{ place }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from per_round
    window w as (partition by season, {{ competitor }} order by round)
)

select
    season,
    round,
    {{ competitor }},
    cast(row_number() over (
        partition by season, round
        order by points desc,
        {%- for place in range(1, countback_places + 1) %} p{{ place }} desc,{% endfor %}
        {{ competitor }} nulls last
    ) as bigint) as position,
    points,
    round_points,
    race_points,
    sprint_points,
    sprint_points_total,
    p1 as wins,
    p1 + p2 + p3 as podiums,
    covers_every_round
from cumulative
{%- endmacro %}
