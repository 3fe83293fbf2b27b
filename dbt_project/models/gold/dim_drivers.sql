-- Type-2 driver dimension from the driver snapshot: one row per version of a driver's number,
-- team and name, valid over [valid_from, valid_to). valid_to is null on the current version.
select
    dbt_scd_id as driver_version_key,
    driver_key,
    abbreviation,
    driver_number,
    full_name,
    team_id,
    team_name,
    country_code,
    row_number() over (partition by driver_key order by dbt_valid_from) as version,
    dbt_valid_from as valid_from,
    dbt_valid_to as valid_to,
    dbt_valid_to is null as is_current,
    state_since_session_id as valid_from_session_id
from {{ ref('snap_drivers') }}
