-- One row per session: which evidence each derived fact came from, and why a figure is unknown.
-- Gold turns "no rows" into 0 only where this says the facts were recorded (unknown is null).
--   pit_stops_source     pit_endpoint > lap_flags > stint_changes (silver_pit_stops), else null;
--   deleted_laps_source  fastf1 (its flag) or race_control (derived), else null;
--   classification_source  official (FastF1/Jolpica or OpenF1 session_result) or
--                        derived_from_timing (silver_timing_classification), else null.
with sessions as (
    select session_id, season, round, session_code
    from {{ ref('silver_sessions') }}
    where {{ session_filter() }}
),

laps as (
    select
        session_id,
        any_value(source) as laps_source,
        count(*) as laps,
        count(is_pit_out_lap) as laps_with_pit_flags,
        min(deleted_source) as deleted_laps_source
    from {{ ref('silver_laps') }}
    where {{ session_filter() }}
    group by session_id
),

pit_endpoint as (
    select session_id, count(*) as pit_rows
    from {{ ref('stg_openf1__pit') }}
    group by session_id
),

stints as (
    select session_id, count(*) as stints
    from {{ ref('silver_stints') }}
    where {{ session_filter() }}
    group by session_id
),

results as (
    select session_id, min(classification_source) as classification_source
    from {{ ref('silver_results') }}
    where {{ session_filter() }}
    group by session_id
),

facts as (
    select
        s.*,
        l.laps_source,
        coalesce(l.laps, 0) > 0 as has_laps,
        case
            when p.pit_rows > 0 then 'pit_endpoint'
            when l.laps_with_pit_flags > 0 then 'lap_flags'
            when st.stints > 0 then 'stint_changes'
        end as pit_stops_source,
        l.deleted_laps_source,
        r.classification_source
    from sessions as s
    left join laps as l using (session_id)
    left join pit_endpoint as p using (session_id)
    left join stints as st using (session_id)
    left join results as r using (session_id)
)

select
    *,
    case when not has_laps then 'no lap timing recorded for this session' end as laps_note,
    case when pit_stops_source is null then 'pit data unavailable: no pit, lap or stint data' end
        as pit_stops_note,
    case
        when not has_laps then 'no lap timing recorded for this session'
        when deleted_laps_source is null
            then 'deletions unknown: no race-control messages recorded (best laps may include deleted laps)'
    end as deleted_laps_note,
    case when classification_source is null then 'no classification recorded or derivable' end
        as classification_note
from facts
