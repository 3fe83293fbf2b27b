-- One row per driver lap with everything a lap analysis joins for: session, driver version,
-- team, tyre (compound and age), validity and the sector check.
-- Incremental per session (dbt_project.yml): a gold build recomputes only the sessions whose
-- silver laps, stints, drivers or session row were rebuilt (~1 M laps at 1,000 sessions).
{%- set sessions = refreshed_sessions_filter('session_id') %}
with stints as (
    -- stint_order: one order of a driver's stints, ties in lap_start broken by stint number
    select
        *,
        row_number() over (
            partition by session_id, driver_number order by lap_start, stint_number
        ) as stint_order
    from {{ ref('silver_stints') }}
    where {{ sessions }}
),

laps as (
    select * from {{ ref('silver_laps') }}
    where {{ sessions }}
),

-- OpenF1 laps carry no stint: take the stint that started last at or before the lap (a range
-- join, then the latest start; exactly one stint per lap, so duplicated laps stay visible to
-- the tests)
lap_stints as (
    select l.session_id, l.driver_number, l.lap_number, max(st.stint_order) as stint_order
    from (select distinct session_id, driver_number, lap_number from laps) as l
    inner join stints as st
        on st.session_id = l.session_id
        and st.driver_number = l.driver_number
        and l.lap_number >= st.lap_start
    group by l.session_id, l.driver_number, l.lap_number
)

select
    {{ session_header('s') }},
    l.driver_number,
    d.driver_key,
    d.team_id,
    l.lap_number,
    l.lap_time_ms,
    l.sector1_time_ms,
    l.sector2_time_ms,
    l.sector3_time_ms,
    l.sector1_time_ms + l.sector2_time_ms + l.sector3_time_ms as sector_sum_ms,
    l.lap_start_utc,
    l.lap_end_utc,
    l.is_pit_in_lap,
    l.is_pit_out_lap,
    l.is_deleted,
    l.deleted_reason,
    l.deleted_source,
    l.is_personal_best,
    l.personal_best_source,
    l.is_accurate,
    -- a lap that counts: timed and not deleted (where deletions are unknown, not known deleted:
    -- deleted_source is null then)
    l.lap_time_ms is not null and l.is_deleted is not true as is_valid,
    -- a lap that represents pace: valid, accurate, no pit, green flag, not the opening lap
    (l.lap_time_ms is not null and l.is_deleted is not true and coalesce(l.is_accurate, false)
        and l.is_pit_in_lap is not true and l.is_pit_out_lap is not true and l.lap_number > 1
        and coalesce(l.track_status, '1') = '1') as is_clean,
    coalesce(l.stint, case when l.lap_number <= st.lap_end then st.stint_number end) as stint_number,
    upper(coalesce(l.compound, case when l.lap_number <= st.lap_end then st.compound end)) as compound,
    -- tyre age in laps at the end of this lap
    coalesce(
        l.tyre_life,
        case when l.lap_number <= st.lap_end then st.tyre_age_at_start + l.lap_number - st.lap_start + 1 end
    ) as tyre_age_laps,
    l.speed_st_kph,
    l.position,
    l.position_source,
    l.track_status,
    l.source
from laps as l
inner join {{ ref('silver_sessions') }} as s using (session_id)
left join {{ ref('silver_drivers') }} as d using (session_id, driver_number)
left join lap_stints as ls
    on ls.session_id = l.session_id
    and ls.driver_number = l.driver_number
    and ls.lap_number = l.lap_number
left join stints as st
    on st.session_id = ls.session_id
    and st.driver_number = ls.driver_number
    and st.stint_order = ls.stint_order
