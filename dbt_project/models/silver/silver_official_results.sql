-- The official classification as Jolpica publishes it (bronze_fastf1.official_results, read
-- through FastF1's Ergast interface), kept apart from silver_results: the independent answer
-- gold is reconciled against (gold.classification_reconciliation).
select
    session_id,
    season,
    round,
    session_code,
    driver_number,
    upper(driver_code) as driver_key,
    position,
    position_text,
    status,
    case when session_code in ('R', 'S') then
        {{ status_class('status', 'laps', 'max(laps) over (partition by session_id)') }}
    end as status_class,
    laps,
    grid,
    points,
    race_time_ms,
    fastest_lap_rank,
    fastest_lap_number,
    fastest_lap_ms,
    q1_ms,
    q2_ms,
    q3_ms,
    'jolpica' as source
from {{ ref('stg_fastf1__official_results') }}
where driver_number is not null
