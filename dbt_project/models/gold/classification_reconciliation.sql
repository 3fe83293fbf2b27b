-- Gold against the official classification, inside the product: one row per session, driver
-- and field where Jolpica's answer (silver_official_results) is recorded, with both values and
-- whether they agree. Two comparisons:
--   gold     session_leaderboard (what analysts read) against the official result: any
--            disagreement not listed in known_source_disagreements fails the asset check;
--   derived  the classification derived from timing alone (silver_timing_classification)
--            against the official one: how far the derivation is from it (penalties applied
--            after the flag are not in the timing data); reported, never a failure.
with official as (
    select * from {{ ref('silver_official_results') }}
),

gold as (
    select * from {{ ref('session_leaderboard') }}
),

best_laps as (
    select session_id, driver_number, min(lap_time_ms) as best_lap_ms
    from {{ ref('fact_laps') }}
    where is_valid
    group by session_id, driver_number
),

lead_lap as (
    select session_id, min(race_time_ms) as winner_time_ms
    from official
    where position = 1
    group by session_id
),

official_values as (
    select
        o.session_id,
        o.driver_number,
        o.position,
        o.laps,
        o.status_class,
        o.points,
        o.grid,
        -- Jolpica gives the winner's race time and everyone else's as the winner's plus a gap
        case when o.status_class = 'finished' then o.race_time_ms end as race_time_ms,
        case when o.status_class = 'finished' and o.position > 1
            then o.race_time_ms - w.winner_time_ms end as gap_to_winner_ms,
        o.q1_ms,
        o.q2_ms,
        o.q3_ms,
        o.fastest_lap_ms
    from official as o
    left join lead_lap as w using (session_id)
),

pairs as (
    {%- set fields = [
        ('position', 'bigint'), ('laps', 'bigint'), ('status_class', 'string'),
        ('points', 'double'), ('grid', 'bigint'), ('race_time_ms', 'bigint'),
        ('gap_to_winner_ms', 'bigint'), ('q1_ms', 'bigint'), ('q2_ms', 'bigint'),
        ('q3_ms', 'bigint'), ('fastest_lap_ms', 'bigint')] %}
    {%- set ours = {
        'position': 'g.position', 'laps': 'g.laps_completed', 'status_class': 'g.status_class',
        'points': 'g.points', 'grid': 'g.grid_position', 'race_time_ms': 'g.race_time_ms',
        'gap_to_winner_ms': 'g.gap_to_winner_ms', 'q1_ms': 'g.q1_ms', 'q2_ms': 'g.q2_ms',
        'q3_ms': 'g.q3_ms', 'fastest_lap_ms': 'b.best_lap_ms'} %}
    {%- for field, type in fields %}
    select
        o.session_id,
        o.driver_number,
        'gold' as comparison,
        '{{ field }}' as field,
        cast({{ ours[field] }} as string) as ours,
        cast(o.{{ field }} as string) as official
    from official_values as o
    left join gold as g using (session_id, driver_number)
    left join best_laps as b using (session_id, driver_number)
    where o.{{ field }} is not null
        {%- if field == 'fastest_lap_ms' %}
        -- a driver's best lap is only comparable where the session's laps were recorded
        and o.session_id in (select session_id from best_laps)
        {%- endif %}
    union all
    {%- endfor %}
    {%- for field in ['position', 'laps', 'status_class', 'points', 'q1_ms', 'q2_ms', 'q3_ms'] %}
    select
        o.session_id,
        o.driver_number,
        'derived' as comparison,
        '{{ field }}' as field,
        cast(t.{{ {'laps': 'laps_completed'}.get(field, field) }} as string) as ours,
        cast(o.{{ field }} as string) as official
    from official_values as o
    inner join {{ ref('silver_timing_classification') }} as t using (session_id, driver_number)
    where o.{{ field }} is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select
    {{ session_header('s') }},
    p.driver_number,
    o.driver_key,
    p.comparison,
    p.field,
    p.ours,
    p.official,
    coalesce(
        -- a number compared as a number (0.0 and 0 agree)
        try_cast(p.ours as double) = try_cast(p.official as double),
        p.ours = p.official,
        -- Jolpica writes grid 0 for a car with no grid slot (pit-lane start, did not start);
        -- gold leaves that grid null
        p.field = 'grid' and p.official = '0' and p.ours is null,
        false
    ) as agrees,
    k.reason as known_disagreement
from pairs as p
inner join {{ ref('dim_sessions') }} as s using (session_id)
left join {{ ref('silver_official_results') }} as o using (session_id, driver_number)
left join {{ ref('known_source_disagreements') }} as k
    on k.session_id = p.session_id and k.driver_number = p.driver_number and k.field = p.field
    and k.comparison = p.comparison
