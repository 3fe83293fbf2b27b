-- Every state (number, team, name) each driver has held, one row per unbroken run of sessions
-- with that state, dated by the race calendar: derived from silver's per-session history on
-- every build, so a re-landed (corrected) session changes the history it belongs to and a
-- return to an earlier state is a new state with its own dates. The source of dim_drivers.
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
    -- gaps and islands: a new island starts whenever a tracked attribute changes. One total
    -- order (rows, not peers), so two rows of one driver in one session (bad silver) give the
    -- same versions on every build, and dim_drivers' tests catch them.
    select
        *,
        sum(changed) over (
            partition by driver_key
            order by session_start_utc, session_id, team_name, driver_number, full_name
            rows between unbounded preceding and current row
        ) as island
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
        window w as (
            partition by driver_key
            order by session_start_utc, session_id, team_name, driver_number, full_name
        )
    ) as changes
),

states as (
    select
        driver_key,
        island,
        {#- the newest non-null value (max_by on Spark keeps a null one: skip nulls as DuckDB does) #}
        {%- for column in ['driver_number', 'team_name', 'team_id', 'full_name', 'abbreviation', 'country_code'] %}
        max_by({{ column }}, case when {{ column }} is not null then session_start_utc end) as {{ column }},
        {%- endfor %}
        min(session_start_utc) as state_since_utc,
        min_by(session_id, session_start_utc) as state_since_session_id,
        max(session_start_utc) as last_seen_utc
    from islands
    group by driver_key, island
)

select
    driver_key,
    {%- for column in ['driver_number', 'team_name', 'team_id', 'full_name', 'abbreviation',
        'country_code', 'state_since_utc', 'state_since_session_id', 'last_seen_utc'] %}
    {{ column }},
    {%- endfor %}
    -- a state holds until the first session of the next one
    lead(state_since_utc) over (partition by driver_key order by island) as state_until_utc
from states
