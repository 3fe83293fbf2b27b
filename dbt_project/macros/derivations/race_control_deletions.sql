{#- Facts one source gives directly and another does not, derived ONE way for every source that
    lacks them (see README, "Warehouse": each derived value says how it was obtained). -#}

{#- Lap deletions announced by race control, as FastF1 3.9 reads them
    (Session._set_laps_deleted_from_rcm): "CAR <n> (<TLA>) TIME <m:ss.sss> DELETED - <reason>"
    deletes that driver's lap with that time; a later "... TIME <m:ss.sss> ... REINSTATED"
    for the same driver and time undoes it. The wall-clock stamp (track-local time) is cut from
    the reason. A "LAP DELETED" message without a time names no lap reliably (its LAP number
    counts differently from the timing feed's), so it is not matched, as FastF1 does not. -#}
{% macro race_control_deletions(race_control) -%}
    with messages as (
        select
            session_id,
            message,
            regexp_extract(message, '^CAR (\d{1,2}) .* TIME (\d:\d\d\.\d\d\d) DELETED - (.*)', 1) as deleted_driver,
            regexp_extract(message, '^CAR (\d{1,2}) .* TIME (\d:\d\d\.\d\d\d) DELETED - (.*)', 2) as deleted_time,
            regexp_extract(message, '^CAR (\d{1,2}) .* TIME (\d:\d\d\.\d\d\d) DELETED - (.*)', 3) as deleted_reason,
            regexp_extract(message, '^CAR (\d{1,2}) .* TIME (\d:\d\d\.\d\d\d) .*REINSTATED.*', 1) as reinstated_driver,
            regexp_extract(message, '^CAR (\d{1,2}) .* TIME (\d:\d\d\.\d\d\d) .*REINSTATED.*', 2) as reinstated_time
        from {{ race_control }}
    ),

    reinstated as (
        select distinct session_id, reinstated_driver as driver_number, reinstated_time as lap_time_text
        from messages
        where reinstated_driver <> ''
    ),

    deleted as (
        select
            m.session_id,
            m.deleted_driver as driver_number,
            {{ lap_time_text_ms('m.deleted_time') }} as lap_time_ms,
            min({{ strip_clock_times('m.deleted_reason') }}) as deleted_reason
        from messages as m
        where m.deleted_driver <> ''
            and not exists (
                select 1 from reinstated as r
                where r.session_id = m.session_id and r.driver_number = m.deleted_driver
                    and r.lap_time_text = m.deleted_time
            )
        group by m.session_id, m.deleted_driver, m.deleted_time
    )

    select * from deleted
{%- endmacro %}
