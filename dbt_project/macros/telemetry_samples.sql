{#- The telemetry skeleton silver_car_data and silver_location share: the FastF1 and OpenF1
    staging samples of one kind (`fastf1`, `openf1`: relations with session identity,
    driver_number, sample_utc and `columns`), unioned, then per session one source (FastF1
    first) and one row per driver and sample time. A sample without a driver or a time is no
    sample. -#}
{% macro telemetry_samples(fastf1, openf1, columns) -%}
    {%- set selected = ['session_id', 'season', 'round', 'session_code', 'driver_number', 'sample_utc'] + columns -%}
    select {{ selected | join(', ') }}, source
    from (
        select *, {{ one_source_per_session(['session_id', 'driver_number', 'sample_utc']) }} as is_chosen
        from (
            select {{ selected | join(', ') }}, 'fastf1' as source, 1 as source_rank from {{ fastf1 }}
            union all
            select {{ selected | join(', ') }}, 'openf1' as source, 2 as source_rank from {{ openf1 }}
        ) as samples
        where driver_number is not null and sample_utc is not null
    ) as ranked
    where is_chosen
{%- endmacro %}
