-- When each segment of a qualifying or sprint-qualifying session ran (Q1/Q2/Q3, SQ1/SQ2/SQ3),
-- conformed from what each source records. A lap belongs to the segment it started in; a lap
-- started after a segment's end (the cool-down lap after the flag) belongs to none.
--   FastF1: its session status. A segment ends at each "Finished"; the next begins at the first
--           "Started" after it (a red flag's "Aborted" and restart stay inside the segment).
--   OpenF1: race control tags every message with its qualifying_phase. A phase runs from its
--           first message to its chequered flag (else its last message).
with status as (
    select
        st.session_id,
        {{ timestamp_add_ms('s.timing_t0_utc', 'st.session_time_ms') }} as status_utc,
        st.status,
        -- the segment a status belongs to: 1 + the "Finished" before it
        1 + count(case when st.status = 'Finished' then 1 end) over (
            partition by st.session_id order by st.session_time_ms
            rows between unbounded preceding and 1 preceding
        ) as segment
    from {{ ref('stg_fastf1__session_status') }} as st
    inner join {{ ref('silver_sessions') }} as s using (session_id)
    where st.session_code in ('Q', 'SQ') and s.timing_t0_utc is not null
),

fastf1 as (
    select
        session_id,
        segment,
        min(case when status = 'Started' then status_utc end) as start_utc,
        min(case when status = 'Finished' then status_utc end) as end_utc,
        'fastf1' as source,
        1 as source_rank
    from status
    where segment between 1 and 3
    group by session_id, segment
    having min(case when status = 'Started' then status_utc end) is not null
),

openf1 as (
    select
        session_id,
        qualifying_phase as segment,
        min(message_utc) as start_utc,
        coalesce(min(case when flag = 'CHEQUERED' then message_utc end), max(message_utc)) as end_utc,
        'openf1' as source,
        2 as source_rank
    from {{ ref('stg_openf1__race_control') }}
    where qualifying_phase between 1 and 3 and session_code in ('Q', 'SQ')
    group by session_id, qualifying_phase
)

select
    session_id,
    split_part(session_id, '-', 1)::integer as season,
    split_part(session_id, '-', 2)::integer as round,
    split_part(session_id, '-', 3) as session_code,
    segment,
    start_utc,
    end_utc,
    source
from (
    select *, {{ one_source_per_session(['session_id', 'segment']) }} as is_chosen
    from (select * from fastf1 union all select * from openf1) as unioned
) as ranked
where is_chosen
