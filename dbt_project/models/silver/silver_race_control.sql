-- One row per race-control message, in UTC, numbered in order within the session. An exact
-- repeat (same time, same text) is one message.
{%- set columns = ['session_id', 'season', 'round', 'session_code', 'message_utc', 'category',
    'message', 'flag', 'scope', 'sector', 'driver_number', 'lap_number'] %}
with unioned as (
    select {{ columns | join(', ') }}, 'fastf1' as source, 1 as source_rank
    from {{ ref('stg_fastf1__race_control_messages') }}
    union all
    select {{ columns | join(', ') }}, 'openf1' as source, 2 as source_rank
    from {{ ref('stg_openf1__race_control') }}
),

conformed as (
    select *
    from (
        select *, {{ one_source_per_session(['session_id', 'message_utc', 'message']) }} as is_chosen
        from unioned
        where message_utc is not null and message is not null
    ) as ranked
    where is_chosen
)

select
    session_id,
    season,
    round,
    session_code,
    row_number() over (partition by session_id order by message_utc, message) as message_seq,
    message_utc, category, message, flag, scope, sector, driver_number, lap_number, source
from conformed
