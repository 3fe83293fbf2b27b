-- One row per driver and session: the classification as published (FastF1, else OpenF1's
-- session_result), else, for a race or sprint no results source covers, the one derived from
-- lap timing (silver_timing_classification; classification_source says which). A published
-- race classification with no positions at all (the driver list before results are out) does
-- not hide the derived one. status_class reads the source's wording into one vocabulary.
{#- who the driver is, as every classification source names them -#}
{%- set identity = ['session_id', 'season', 'round', 'session_code', 'driver_number',
    'abbreviation', 'driver_id', 'full_name', 'first_name', 'last_name', 'broadcast_name',
    'country_code', 'team_name'] %}
{%- set columns = identity + ['team_color', 'position', 'classified_position', 'grid_position',
    'q1_ms', 'q2_ms', 'q3_ms', 'time_ms', 'status', 'derived_status_class', 'points',
    'laps_completed', 'source', 'classification_source', 'source_rank'] %}
with fastf1 as (
    select
        *,
        null::string as derived_status_class,
        'fastf1' as source,
        'official' as classification_source,
        case when session_code in ('R', 'S', 'Q', 'SQ') and count(position) over (
            partition by session_id) = 0 then 4 else 1 end as source_rank
    from {{ ref('stg_fastf1__results') }}
),

openf1 as (
    select
        r.*,
        {%- for column in ['abbreviation', 'full_name', 'first_name', 'last_name', 'broadcast_name',
            'country_code', 'team_name', 'team_color'] %}
        d.{{ column }},
        {%- endfor %}
        null::string as driver_id,
        null::bigint as grid_position,
        null::bigint as q1_ms,
        null::bigint as q2_ms,
        null::bigint as q3_ms,
        null::bigint as time_ms,
        null::string as derived_status_class,
        null::double as points,
        'openf1' as source,
        'official' as classification_source,
        2 as source_rank
    from {{ ref('stg_openf1__session_result') }} as r
    left join {{ ref('stg_openf1__drivers') }} as d using (session_id, driver_number)
),

derived as (
    select
        t.session_id,
        t.season,
        t.round,
        t.session_code,
        t.driver_number,
        {%- for column in identity[5:] + ['team_color'] %}
        d.{{ column }},
        {%- endfor %}
        t.position,
        t.classified_position,
        t.grid_position,
        t.q1_ms,
        t.q2_ms,
        t.q3_ms,
        null::bigint as time_ms,
        t.status,
        t.status_class as derived_status_class,
        t.points,
        t.laps_completed,
        t.source,
        'derived_from_timing' as classification_source,
        3 as source_rank
    from {{ ref('silver_timing_classification') }} as t
    inner join {{ ref('silver_drivers') }} as d using (session_id, driver_number)
    where {{ session_filter('t.session_id') }}
),

unioned as (
    select {{ columns | join(', ') }} from fastf1
    union all
    select {{ columns | join(', ') }} from openf1
    union all
    select {{ columns | join(', ') }} from derived
),

conformed as (
    select *
    from (
        select *, {{ one_source_per_session(['session_id', 'driver_number']) }} as is_chosen
        from unioned
        where driver_number is not null
    ) as ranked
    where is_chosen
)

select
    {{ identity | join(',\n    ') }},
    {{ team_id_for('team_name') }} as team_id,
    team_color,
    -- Timing leaves some non-starters without a position; the classification still ranks
    -- them last (by laps, then grid), as Jolpica does.
    coalesce(
        position,
        count(position) over (partition by session_id)
        + row_number() over (
            partition by session_id, position is null
            order by laps_completed desc nulls last, grid_position nulls last, driver_number
        )
    ) as position,
    position as reported_position,
    classified_position,
    grid_position,
    q1_ms,
    q2_ms,
    q3_ms,
    time_ms,
    status,
    case when session_code in ('R', 'S') then coalesce(
        derived_status_class,
        {{ status_class('status', 'laps_completed', 'max(laps_completed) over (partition by session_id)') }}
    ) end as status_class,
    points,
    laps_completed,
    source,
    classification_source
from conformed
