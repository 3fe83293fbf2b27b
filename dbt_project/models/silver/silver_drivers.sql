-- One row per driver and session: who drove which car for which team. FastF1 results are the
-- source of record; OpenF1 drivers cover sessions FastF1 lacks.
{%- set columns = ['session_id', 'season', 'round', 'session_code', 'driver_number',
    'abbreviation', 'driver_id', 'first_name', 'last_name', 'full_name', 'broadcast_name',
    'country_code', 'team_name', 'team_color', 'headshot_url'] %}
with fastf1 as (
    select
        {%- for column in columns %}
        {%- if column == 'driver_id' %}
        -- FastF1 falls back to "nan" (or nothing) where Ergast has no entry yet
        nullif(nullif(driver_id, 'nan'), '') as driver_id
        {%- elif column == 'team_color' %}
        nullif(team_color, '') as team_color
        {%- else %}
        {{ column }}
        {%- endif %}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('stg_fastf1__results') }}
),

openf1 as (
    select *, null::string as driver_id from {{ ref('stg_openf1__drivers') }}
),

unioned as (
    select {{ columns | join(', ') }}, 'fastf1' as source, 1 as source_rank from fastf1
    union all
    select {{ columns | join(', ') }}, 'openf1' as source, 2 as source_rank from openf1
)

select
    session_id,
    season,
    round,
    session_code,
    driver_number,
    -- The FIA three-letter code is the stable driver key across sources (OpenF1 has no
    -- Ergast driver id) and across seasons (the number can change: VER 33 -> 1).
    upper(abbreviation) as driver_key,
    upper(abbreviation) as abbreviation,
    driver_id,
    first_name,
    last_name,
    full_name,
    broadcast_name,
    country_code,
    team_name,
    -- one team key across sources: the Ergast constructor ref, from the name (macros/teams/)
    {{ team_id_for('team_name') }} as team_id,
    upper(team_color) as team_color,
    headshot_url,
    source
from (
    select *, {{ one_source_per_session(['session_id', 'driver_number']) }} as is_chosen
    from unioned
    where driver_number is not null
) as ranked
where is_chosen
