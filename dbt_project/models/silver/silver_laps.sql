-- One row per driver lap, times in integer milliseconds, timestamps in UTC. Deleted laps are
-- kept and flagged. FastF1 is preferred per session; OpenF1 laps fill sessions FastF1 lacks.
-- Facts a source does not give are derived one way for every source (each `*_source` column
-- says how the value was obtained; null = unknown):
--   is_deleted        FastF1's flag, else race-control deletions (macros/derivations/race_control_deletions.sql), else
--                     null when the session has no race-control messages at all;
--   is_personal_best  FastF1's flag, else a lap faster than every earlier valid lap;
--   position          FastF1's, else (races and sprints) the order in which the cars completed
--                     that lap.
{%- set columns = ['session_id', 'season', 'round', 'session_code', 'driver_number',
    'abbreviation', 'team_name', 'lap_number', 'lap_time_ms', 'sector1_time_ms',
    'sector2_time_ms', 'sector3_time_ms', 'lap_start_utc', 'lap_start_session_time_ms',
    'lap_end_session_time_ms', 'pit_in_session_time_ms', 'pit_out_session_time_ms',
    'is_pit_in_lap', 'is_pit_out_lap', 'speed_i1_kph', 'speed_i2_kph', 'speed_fl_kph',
    'speed_st_kph', 'is_personal_best', 'compound', 'tyre_life', 'fresh_tyre', 'stint',
    'track_status', 'position', 'is_deleted', 'deleted_reason', 'is_fastf1_generated',
    'is_accurate'] %}
{#- with_deletions: the conformed laps with the deletion facts and UTC times derived -#}
{%- set with_deletions_columns = columns | reject('in', ['is_deleted', 'deleted_reason', 'lap_start_utc']) | list
    + ['source', 'lap_start_utc', 'is_deleted', 'deleted_source', 'deleted_reason', 'lap_end_utc'] %}
with fastf1 as (
    select
        *,
        pit_in_session_time_ms is not null as is_pit_in_lap,
        pit_out_session_time_ms is not null as is_pit_out_lap
    from {{ ref('stg_fastf1__laps') }}
),

openf1_laps as (
    select
        *,
        -- OpenF1 flags out-laps only: the lap before an out-lap is the in-lap (the last lap has
        -- no out-lap after it)
        case when is_pit_out_lap is not null then coalesce(lead(is_pit_out_lap) over (
            partition by session_id, driver_number order by lap_number
        ), false) end as is_pit_in_lap
    from {{ ref('stg_openf1__laps') }}
),

openf1 as (
    select
        l.*,
        d.abbreviation,
        d.team_name,
        null::bigint as lap_start_session_time_ms,
        null::bigint as lap_end_session_time_ms,
        null::bigint as pit_in_session_time_ms,
        null::bigint as pit_out_session_time_ms,
        null::double as speed_fl_kph,
        null::boolean as is_personal_best,
        null::string as compound,
        null::bigint as tyre_life,
        null::boolean as fresh_tyre,
        null::bigint as stint,
        null::string as track_status,
        null::bigint as position,
        null::boolean as is_deleted,
        null::string as deleted_reason,
        false as is_fastf1_generated,
        -- OpenF1 has no accuracy flag: a lap with a time and all three sectors is usable
        l.lap_time_ms is not null and l.sector1_time_ms is not null
            and l.sector2_time_ms is not null and l.sector3_time_ms is not null as is_accurate
    from openf1_laps as l
    left join {{ ref('stg_openf1__drivers') }} as d using (session_id, driver_number)
),

unioned as (
    select {{ columns | join(', ') }}, 'fastf1' as source, 1 as source_rank from fastf1
    union all
    select {{ columns | join(', ') }}, 'openf1' as source, 2 as source_rank from openf1
),

conformed as (
    select {{ columns | join(', ') }}, source
    from (
        select
            *,
            {{ one_source_per_session(['session_id', 'driver_number', 'lap_number']) }} as is_chosen
        from unioned
        where driver_number is not null and lap_number is not null
    ) as ranked
    where is_chosen
),

race_control as (
    select session_id, message
    from {{ ref('silver_race_control') }}
    where {{ session_filter() }}
),

deletions as (
    {{ race_control_deletions('race_control') }}
),

-- sessions whose race control was recorded: there a lap no message deletes was not deleted
race_control_sessions as (
    select distinct session_id from race_control
),

with_deletions as (
    select
        {%- for column in columns if column not in ['is_deleted', 'deleted_reason', 'lap_start_utc'] %}
        l.{{ column }},
        {%- endfor %}
        l.source,
        -- FastF1 dates a lap's start only with car telemetry; its session time, through t0,
        -- dates it too (not where the feed's start is not before its end: no start then)
        coalesce(
            l.lap_start_utc,
            case when l.lap_end_session_time_ms is null
                or l.lap_start_session_time_ms < l.lap_end_session_time_ms
            then {{ timestamp_add_ms('t.timing_t0_utc', 'l.lap_start_session_time_ms') }} end
        ) as lap_start_utc,
        case
            when l.is_deleted is not null then l.is_deleted
            when rc.session_id is not null then d.driver_number is not null
        end as is_deleted,
        case
            when l.is_deleted is not null then l.source
            when rc.session_id is not null then 'race_control'
        end as deleted_source,
        case when l.is_deleted is not null then l.deleted_reason else d.deleted_reason end
            as deleted_reason,
        -- when the lap was completed: FastF1 stamps it in session time (dated through the
        -- session's t0), OpenF1 dates the lap's start
        coalesce(
            {{ timestamp_add_ms('t.timing_t0_utc', 'l.lap_end_session_time_ms') }},
            {{ timestamp_add_ms('l.lap_start_utc', 'l.lap_time_ms') }},
            lead(l.lap_start_utc) over (
                partition by l.session_id, l.driver_number order by l.lap_number)
        ) as lap_end_utc
    from conformed as l
    left join race_control_sessions as rc using (session_id)
    left join {{ ref('silver_sessions') }} as t using (session_id)
    left join deletions as d
        on d.session_id = l.session_id and d.driver_number = l.driver_number
        and d.lap_time_ms = l.lap_time_ms
)

select
    {%- for column in with_deletions_columns if column not in ['is_personal_best', 'position'] %}
    {{ column }},
    {%- endfor %}
    coalesce(
        is_personal_best,
        lap_time_ms is not null and is_deleted is not true
        and lap_time_ms < coalesce(min(case when is_deleted is not true then lap_time_ms end) over (
            partition by session_id, driver_number order by lap_number
            rows between unbounded preceding and 1 preceding
        ), 9223372036854775807)
    ) as is_personal_best,
    case when is_personal_best is not null then source else 'derived_from_laps' end
        as personal_best_source,
    coalesce(
        position,
        case when session_code in ('R', 'S') and lap_end_utc is not null then rank() over (
            partition by session_id, lap_number, session_code in ('R', 'S') and lap_end_utc is not null
            order by lap_end_utc
        ) end
    ) as position,
    case
        when position is not null then source
        when session_code in ('R', 'S') and lap_end_utc is not null then 'derived_from_lap_times'
    end as position_source
from with_deletions
