-- One row per race-control message, in UTC, numbered in order within the session. An exact
-- repeat (same time, same text) is one message.
with fastf1 as (
    select
        season || '-' || round || '-' || session as session_id,
        time as message_utc,
        category,
        message,
        flag,
        scope,
        sector::integer as sector,
        nullif(racing_number, '') as driver_number,
        lap::integer as lap_number,
        'fastf1' as source,
        1 as source_rank
    from {{ bronze('bronze_fastf1', 'race_control_messages') }}
),

openf1 as (
    select
        season || '-' || round || '-' || session as session_id,
        date as message_utc,
        category,
        message,
        flag,
        scope,
        sector::integer,
        driver_number::varchar,
        lap_number::integer,
        'openf1' as source,
        2 as source_rank
    from {{ bronze('bronze_openf1', 'race_control') }}
),

conformed as (
    select * from (select * from fastf1 union all by name select * from openf1)
    where message_utc is not null and message is not null
    qualify {{ one_source_per_session(['session_id', 'message_utc', 'message']) }}
)

select
    session_id,
    split_part(session_id, '-', 1)::integer as season,
    split_part(session_id, '-', 2)::integer as round,
    split_part(session_id, '-', 3) as session_code,
    row_number() over (partition by session_id order by message_utc, message) as message_seq,
    message_utc, category, message, flag, scope, sector, driver_number, lap_number, source
from conformed
