"""The dashboard's own datasets: what the `dashboard/gold_export` asset copies out of the warehouse.

Each is one Parquet file in an export generation, built by SQL over silver and gold in
`f1.duckdb`. The page never opens the warehouse: it loads these files as tables of the same
names and runs `queries` over them. When the warehouse gains or renames a mart, adapt the SQL
here; the page keeps its shape as long as the exported columns keep theirs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportDataset:
    """One exported Parquet file: the SQL that builds it, run on a read-only warehouse connection.

    `requires` lists the warehouse tables the SQL reads; when one is missing (a fresh warehouse,
    a mart not built yet), `empty_sql` writes the same columns with no rows so readers never
    meet a missing file.
    """

    name: str
    sql: str
    requires: tuple[str, ...]
    empty_sql: str


def _empty(columns: str) -> str:
    return f"select * from (select {columns}) where false"


SESSIONS_COLUMNS = (
    "''::varchar as session_id, 0::integer as season, 0::integer as round, "
    "''::varchar as session_code, ''::varchar as session_name, ''::varchar as event_name, "
    "null::timestamptz as session_start_utc"
)
RESULTS_COLUMNS = (
    "''::varchar as session_id, 0::integer as season, 0::integer as round, "
    "''::varchar as session_code, ''::varchar as session_name, ''::varchar as event_name, "
    "''::varchar as driver_number, ''::varchar as abbreviation, ''::varchar as full_name, "
    "''::varchar as team_name, 0::integer as position, ''::varchar as classified_position, "
    "0::integer as grid_position, ''::varchar as status, 0::double as points, "
    "0::bigint as best_lap_ms, 0::integer as best_lap_number, 0::bigint as laps_recorded, "
    "0::bigint as pit_stops, ''::varchar as classification_source, ''::varchar as data_gaps"
)
TEAMS_COLUMNS = (
    "0::integer as season, 0::integer as round, ''::varchar as event_name, "
    "''::varchar as team_name, 0::bigint as drivers, ''::varchar as session_codes, "
    "0::bigint as laps_recorded, 0::double as points, 0::integer as best_race_position, "
    "0::integer as best_qualifying_position, 0::bigint as best_race_lap_ms, "
    "0::bigint as best_qualifying_lap_ms, 0::bigint as race_pit_stops"
)
LAPS_COLUMNS = (
    "''::varchar as session_id, ''::varchar as driver_number, ''::varchar as abbreviation, "
    "''::varchar as team_name, 0::integer as lap_number, 0::bigint as lap_time_ms, "
    "0::bigint as sector1_ms, 0::bigint as sector2_ms, 0::bigint as sector3_ms, "
    "''::varchar as compound, 0::integer as tyre_life, 0::integer as stint, "
    "0::integer as position, false as is_deleted, false as is_pit_in_lap, "
    "false as is_pit_out_lap, false as is_accurate"
)
TEAM_COLOURS_COLUMNS = (
    "''::varchar as session_id, ''::varchar as team_name, ''::varchar as team_color"
)
SPEED_TRACE_COLUMNS = (
    "''::varchar as session_id, ''::varchar as driver_number, ''::varchar as abbreviation, "
    "0::integer as lap_number, 0::bigint as lap_time_ms, 0::bigint as lap_elapsed_ms, "
    "0::double as distance_m, 0::integer as speed_kph, 0::integer as throttle, "
    "0::integer as n_gear"
)

EXPORTS: tuple[ExportDataset, ...] = (
    ExportDataset(
        "sessions",
        """
        select session_id, season, round, session_code, session_name, event_name,
               session_start_utc
        from silver.silver_sessions
        order by season, round, session_start_utc, session_id
        """,
        ("silver.silver_sessions",),
        _empty(SESSIONS_COLUMNS),
    ),
    ExportDataset(
        "driver_results",
        """
        select session_id, season, round, session_code, session_name, event_name,
               driver_number, abbreviation, full_name, team_name, position,
               classified_position, grid_position, status, points, best_lap_ms,
               best_lap_number, laps_recorded, pit_stops, classification_source, data_gaps
        from gold.driver_session_summary
        order by session_id, position
        """,
        ("gold.driver_session_summary",),
        _empty(RESULTS_COLUMNS),
    ),
    ExportDataset(
        "team_events",
        """
        select season, round, event_name, team_name, drivers, session_codes, laps_recorded,
               points, best_race_position, best_qualifying_position, best_race_lap_ms,
               best_qualifying_lap_ms, race_pit_stops
        from gold.team_event_summary
        order by season, round, team_name
        """,
        ("gold.team_event_summary",),
        _empty(TEAMS_COLUMNS),
    ),
    # Every lap with its tyre (gold fact_laps fills compound and stint from OpenF1 stints where
    # timing has none) and the running position at the lap's end (timing's own, else, in races,
    # the order in which the cars completed that lap: silver_laps.position_source says which).
    ExportDataset(
        "laps",
        """
        with laps as (
            select f.*, coalesce(d.abbreviation, f.driver_key) as driver_abbreviation,
                   d.team_name as driver_team_name
            from gold.fact_laps as f
            left join silver.silver_drivers as d using (session_id, driver_number)
        )
        select l.session_id, l.driver_number, l.driver_abbreviation as abbreviation,
               l.driver_team_name as team_name, l.lap_number::integer as lap_number,
               l.lap_time_ms, l.sector1_time_ms as sector1_ms, l.sector2_time_ms as sector2_ms,
               l.sector3_time_ms as sector3_ms, l.compound,
               l.tyre_age_laps::integer as tyre_life, l.stint_number::integer as stint,
               l.position::integer as position,
               l.is_deleted, l.is_pit_in_lap, l.is_pit_out_lap, l.is_accurate
        from laps as l
        order by l.session_id, l.driver_number, l.lap_number
        """,
        ("gold.fact_laps", "silver.silver_drivers"),
        _empty(LAPS_COLUMNS),
    ),
    # Each team's colour per session, as the timing feed sends it (hex without '#'); a team
    # with none recorded gets a fallback colour in the charts.
    ExportDataset(
        "team_colours",
        """
        select session_id, team_name, max(team_color) as team_color
        from silver.silver_drivers
        where team_name is not null
        group by session_id, team_name
        order by session_id, team_name
        """,
        ("silver.silver_drivers",),
        _empty(TEAM_COLOURS_COLUMNS),
    ),
    # Each driver's fastest valid lap, sampled from car telemetry (OpenF1 car_data conformed in
    # silver) and cut at the lap's start and end; distance is integrated from speed so two laps
    # line up by metre.
    ExportDataset(
        "speed_traces",
        """
        with fastest as (
            select session_id, driver_number, abbreviation, lap_number, lap_time_ms,
                   lap_start_utc
            from silver.silver_laps
            where lap_time_ms is not null and is_deleted is not true and lap_start_utc is not null
              and session_id in (select distinct session_id from silver.silver_car_data)
            qualify row_number() over (
                partition by session_id, driver_number order by lap_time_ms, lap_number
            ) = 1
        ),
        samples as (
            select f.session_id, f.driver_number, f.abbreviation, f.lap_number, f.lap_time_ms,
                   epoch_ms(c.sample_utc) - epoch_ms(f.lap_start_utc) as lap_elapsed_ms,
                   c.speed_kph, c.throttle_pct, c.gear
            from silver.silver_car_data as c
            inner join fastest as f
                on c.session_id = f.session_id and c.driver_number = f.driver_number
               and c.sample_utc >= f.lap_start_utc
               and c.sample_utc < f.lap_start_utc + to_milliseconds(f.lap_time_ms)
        ),
        steps as (
            select *, coalesce(lap_elapsed_ms - lag(lap_elapsed_ms) over (
                partition by session_id, driver_number order by lap_elapsed_ms
            ), 0) as step_ms
            from samples
        )
        select s.session_id, s.driver_number::integer as driver_number,
               coalesce(s.abbreviation, d.abbreviation) as abbreviation, s.lap_number::integer
                   as lap_number,
               s.lap_time_ms::bigint as lap_time_ms, s.lap_elapsed_ms::bigint as lap_elapsed_ms,
               sum(s.speed_kph / 3.6 * s.step_ms / 1000.0) over (
                   partition by s.session_id, s.driver_number order by s.lap_elapsed_ms
               ) as distance_m,
               s.speed_kph::integer as speed_kph, s.throttle_pct::integer as throttle,
               s.gear::integer as n_gear
        from steps as s
        left join silver.silver_drivers as d
            on d.session_id = s.session_id and d.driver_number = s.driver_number
        order by s.session_id, s.driver_number, s.lap_elapsed_ms
        """,
        ("silver.silver_laps", "silver.silver_car_data", "silver.silver_drivers"),
        _empty(SPEED_TRACE_COLUMNS),
    ),
)

EXPORT_NAMES = tuple(dataset.name for dataset in EXPORTS)
