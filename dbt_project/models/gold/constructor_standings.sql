-- Constructors' championship after every recorded round: both cars' official points, race and
-- sprint, per constructor (Ergast constructor ref), with countback on the constructor's race
-- results (macros/gold/championship_standings.sql, the computation driver_standings uses).
select
    season,
    round,
    team_id,
    position,
    points,
    round_points,
    sprint_points,
    sprint_points_total,
    cast(wins as bigint) as wins,
    covers_every_round
from ({{ championship_standings('team_id', 'r.team_id') }}) as standings
