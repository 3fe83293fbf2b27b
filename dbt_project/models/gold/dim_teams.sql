-- One row per constructor (Ergast constructor ref), linked to its lineage: a renamed team
-- (Toro Rosso -> AlphaTauri -> RB, Force India -> Racing Point -> Aston Martin, Renault ->
-- Alpine, Sauber -> Alfa Romeo -> Sauber) keeps its lineage key and points to its predecessor.
with seen as (
    select
        d.team_id,
        max_by(d.team_name, s.session_start_utc) as team_name,
        {{ string_agg_distinct_sorted('d.team_name', "' | '") }} as names_used,
        min(s.season) as first_season,
        max(s.season) as last_season,
        count(distinct d.session_id) as sessions
    from {{ ref('silver_drivers') }} as d
    inner join {{ ref('silver_sessions') }} as s using (session_id)
    where d.team_id is not null
    group by d.team_id
),

lineage as (
    select
        team_id,
        lineage_key,
        lineage_order,
        lag(team_id) over (partition by lineage_key order by lineage_order) as predecessor_team_id,
        lead(team_id) over (partition by lineage_key order by lineage_order) as successor_team_id
    from {{ team_lineage_values() }}
)

select
    s.team_id,
    s.team_name,
    s.names_used,
    coalesce(l.lineage_key, s.team_id) as lineage_key,
    coalesce(l.lineage_order, 1) as lineage_order,
    l.predecessor_team_id,
    l.successor_team_id,
    -- the lineage's most recent name in the data
    max_by(s.team_name, s.last_season) over (partition by coalesce(l.lineage_key, s.team_id))
        as lineage_latest_name,
    s.first_season,
    s.last_season,
    s.sessions
from seen as s
left join lineage as l using (team_id)
