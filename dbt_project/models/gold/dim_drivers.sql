-- Type-2 driver dimension: one row per version of a driver's number, team and name, valid over
-- [valid_from, valid_to) by session start; valid_to is null on the current version. Derived
-- from silver's session history on every build (int_driver_state), so a corrected session that
-- moves a driver back to an earlier team makes a new version instead of clashing with the old
-- one. driver_version_key is the hash a dbt snapshot gives the same version (key | valid_from,
-- the timestamp written in UTC), so keys published before stay the same.
select
    md5(
        driver_key || '|'
        || {{ utc_timestamp_text('state_since_utc') }} || '+00'
    ) as driver_version_key,
    driver_key,
    abbreviation,
    driver_number,
    full_name,
    team_id,
    team_name,
    country_code,
    -- bigint on every engine (Spark's row_number is an int)
    cast(row_number() over (
        partition by driver_key order by state_since_utc, state_until_utc nulls last
    ) as bigint) as version,
    state_since_utc as valid_from,
    state_until_utc as valid_to,
    state_until_utc is null as is_current,
    state_since_session_id as valid_from_session_id
from {{ ref('int_driver_state') }}
