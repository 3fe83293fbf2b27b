-- Drivers' championship after every recorded round, from the races and sprints in silver
-- (macros/gold/championship_standings.sql: points, countback and covers_every_round).
select
    season,
    round,
    driver_key,
    position,
    points,
    round_points,
    race_points,
    sprint_points,
    sprint_points_total,
    cast(wins as bigint) as wins,
    cast(podiums as bigint) as podiums,
    covers_every_round
from ({{ championship_standings('driver_key', 'upper(r.abbreviation)') }}) as standings
