-- Each driver's current state (number, team, name) and since when it holds: the source of the
-- driver snapshot. `state_since_utc` is the start of the first session of the latest unbroken
-- run of sessions with this state, so the snapshot dates a version by the race calendar, not
-- by the wall clock of the run, even when several sessions land in one run.
with sessions as (
    select
        d.driver_key,
        d.driver_number,
        d.team_name,
        d.team_id,
        d.full_name,
        d.abbreviation,
        d.country_code,
        d.session_id,
        s.session_start_utc
    from {{ ref('silver_drivers') }} as d
    inner join {{ ref('silver_sessions') }} as s using (session_id)
    where d.driver_key is not null
),

islands as (
    -- gaps and islands: a new island starts whenever a tracked attribute changes
    select
        *,
        sum(changed) over (partition by driver_key order by session_start_utc, session_id) as island
    from (
        select
            *,
            case
                when lag(driver_number) over w is distinct from driver_number
                    or lag(team_name) over w is distinct from team_name
                    or lag(full_name) over w is distinct from full_name
                then 1 else 0
            end as changed
        from sessions
        window w as (partition by driver_key order by session_start_utc, session_id)
    )
)

select
    driver_key,
    arg_max(driver_number, session_start_utc) as driver_number,
    arg_max(team_name, session_start_utc) as team_name,
    arg_max(team_id, session_start_utc) as team_id,
    arg_max(full_name, session_start_utc) as full_name,
    arg_max(abbreviation, session_start_utc) as abbreviation,
    arg_max(country_code, session_start_utc) as country_code,
    min(session_start_utc) as state_since_utc,
    arg_min(session_id, session_start_utc) as state_since_session_id,
    max(session_start_utc) as last_seen_utc
from islands
group by driver_key, island
-- only the latest island of each driver
qualify island = max(island) over (partition by driver_key)
