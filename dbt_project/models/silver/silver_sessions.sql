-- One row per session partition: identity, event and timing window, conformed across sources.
-- FastF1 (livetiming + calendar) is preferred field by field; OpenF1 fills what FastF1 lacks
-- (its session/meeting keys, and whole sessions FastF1 never recorded, e.g. 2024-18-R).
with fastf1_t0 as (
    -- FastF1 stamps weather, pit and lap events in session time (ms since the feed's t0) and,
    -- without car telemetry, cannot date t0 itself. Anchor it on the schedule: the first
    -- "Started" status is the scheduled start (accurate to the starter's seconds).
    select
        i.session_id,
        {{ timestamp_add_ms('any_value(i.session_start_utc)', '-min(st.session_time_ms)') }} as timing_t0_utc
    from {{ ref('stg_fastf1__session_info') }} as i
    inner join {{ ref('stg_fastf1__session_status') }} as st using (session_id)
    where st.status = 'Started'
    group by i.session_id
),

fastf1 as (
    select
        i.session_id,
        i.season,
        i.round,
        i.session_code,
        i.session_name,
        i.session_type,
        i.event_name,
        i.event_format,
        i.meeting_name,
        i.meeting_location,
        i.country_code,
        i.country_name,
        i.circuit_short_name,
        i.livetiming_session_key,
        i.session_start_utc,
        i.session_end_utc,
        t.timing_t0_utc,
        i.total_laps
    from {{ ref('stg_fastf1__session_info') }} as i
    left join fastf1_t0 as t using (session_id)
),

openf1_ranked as (
    select
        s.session_id,
        s.season,
        s.round,
        s.session_code,
        s.session_name,
        s.session_type,
        m.meeting_name as event_name,
        s.openf1_session_key,
        s.openf1_meeting_key,
        m.meeting_name,
        s.meeting_location,
        s.country_code,
        s.country_name,
        s.circuit_short_name,
        s.session_start_utc,
        s.session_end_utc,
        -- one row per partition, whatever OpenF1 re-sent
        row_number() over (partition by s.session_id order by s.openf1_session_key desc)
            as resent_rank
    from {{ ref('stg_openf1__sessions') }} as s
    left join {{ ref('stg_openf1__meetings') }} as m using (session_id)
),

openf1 as (
    select * from openf1_ranked where resent_rank = 1
)

select
    coalesce(f.session_id, o.session_id) as session_id,
    coalesce(f.season, o.season) as season,
    coalesce(f.round, o.round) as round,
    coalesce(f.session_code, o.session_code) as session_code,
    coalesce(f.session_name, o.session_name) as session_name,
    coalesce(f.session_type, o.session_type) as session_type,
    coalesce(f.event_name, o.event_name) as event_name,
    f.event_format,
    coalesce(f.meeting_name, o.meeting_name) as meeting_name,
    coalesce(f.meeting_location, o.meeting_location) as meeting_location,
    coalesce(f.country_code, o.country_code) as country_code,
    coalesce(f.country_name, o.country_name) as country_name,
    coalesce(f.circuit_short_name, o.circuit_short_name) as circuit_short_name,
    f.livetiming_session_key,
    o.openf1_session_key,
    o.openf1_meeting_key,
    coalesce(f.session_start_utc, o.session_start_utc) as session_start_utc,
    coalesce(f.session_end_utc, o.session_end_utc) as session_end_utc,
    f.timing_t0_utc,
    f.total_laps,
    case when f.session_id is not null then 'fastf1' else 'openf1' end as source
from fastf1 as f
full outer join openf1 as o using (session_id)
