-- Pace by compound and tyre age within a session: clean laps only, with the loss against the
-- compound's quickest tyre-age bucket, the curve a strategist reads.
with buckets as (
    select
        {{ session_header(grouped=true) }},
        compound,
        tyre_age_laps,
        count(*) as laps,
        count(distinct driver_number) as drivers,
        round(avg(lap_time_ms))::bigint as avg_lap_ms,
        round(median(lap_time_ms))::bigint as median_lap_ms
    from {{ ref('fact_laps') }}
    where is_clean and compound is not null and tyre_age_laps is not null
    group by session_id, compound, tyre_age_laps
)

select
    *,
    median_lap_ms - min(median_lap_ms) over (partition by session_id, compound) as delta_to_compound_best_ms
from buckets
