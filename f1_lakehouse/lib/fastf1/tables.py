"""FastF1 session objects → bronze Arrow tables with declared schemas.

Durations become integer milliseconds (`*_ms`), wall-clock times UTC timestamps, names
snake_case. Every table has a declared schema so a session that lacks a table still lands an
empty, well-typed partition, and downstream SQL sees the same columns for every session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    import fastf1.core
    import pandas as pd

MS = "ms"  # a pandas Timedelta column → int64 milliseconds
TS = "ts"  # a naive-UTC pandas datetime column → timestamp[ms, UTC]
STR, INT, FLOAT, BOOL = "str", "int", "float", "bool"
_ARROW = {
    MS: pa.int64(),
    TS: pa.timestamp("ms", tz="UTC"),
    STR: pa.string(),
    INT: pa.int64(),
    FLOAT: pa.float64(),
    BOOL: pa.bool_(),
}

# (FastF1 column, bronze column, kind) per table.
Columns = tuple[tuple[str, str, str], ...]
LAPS: Columns = (
    ("DriverNumber", "driver_number", STR),
    ("Driver", "driver", STR),
    ("Team", "team", STR),
    ("LapNumber", "lap_number", INT),
    ("Time", "lap_end_session_time_ms", MS),
    ("LapStartTime", "lap_start_session_time_ms", MS),
    ("LapStartDate", "lap_start_date", TS),
    ("LapTime", "lap_time_ms", MS),
    ("Sector1Time", "sector1_time_ms", MS),
    ("Sector2Time", "sector2_time_ms", MS),
    ("Sector3Time", "sector3_time_ms", MS),
    ("Sector1SessionTime", "sector1_session_time_ms", MS),
    ("Sector2SessionTime", "sector2_session_time_ms", MS),
    ("Sector3SessionTime", "sector3_session_time_ms", MS),
    ("PitOutTime", "pit_out_session_time_ms", MS),
    ("PitInTime", "pit_in_session_time_ms", MS),
    ("SpeedI1", "speed_i1_kph", FLOAT),
    ("SpeedI2", "speed_i2_kph", FLOAT),
    ("SpeedFL", "speed_fl_kph", FLOAT),
    ("SpeedST", "speed_st_kph", FLOAT),
    ("IsPersonalBest", "is_personal_best", BOOL),
    ("Compound", "compound", STR),
    ("TyreLife", "tyre_life", INT),
    ("FreshTyre", "fresh_tyre", BOOL),
    ("Stint", "stint", INT),
    ("TrackStatus", "track_status", STR),
    ("Position", "position", INT),
    ("Deleted", "deleted", BOOL),
    ("DeletedReason", "deleted_reason", STR),
    ("FastF1Generated", "fastf1_generated", BOOL),
    ("IsAccurate", "is_accurate", BOOL),
)
RESULTS: Columns = (
    ("DriverNumber", "driver_number", STR),
    ("BroadcastName", "broadcast_name", STR),
    ("Abbreviation", "abbreviation", STR),
    ("DriverId", "driver_id", STR),
    ("TeamName", "team_name", STR),
    ("TeamColor", "team_color", STR),
    ("TeamId", "team_id", STR),
    ("FirstName", "first_name", STR),
    ("LastName", "last_name", STR),
    ("FullName", "full_name", STR),
    ("CountryCode", "country_code", STR),
    ("HeadshotUrl", "headshot_url", STR),
    ("Position", "position", INT),
    ("ClassifiedPosition", "classified_position", STR),
    ("GridPosition", "grid_position", INT),
    ("Q1", "q1_ms", MS),
    ("Q2", "q2_ms", MS),
    ("Q3", "q3_ms", MS),
    ("Time", "time_ms", MS),
    ("Status", "status", STR),
    ("Points", "points", FLOAT),
    ("Laps", "laps", INT),
)
WEATHER: Columns = (
    ("Time", "session_time_ms", MS),
    ("AirTemp", "air_temp_c", FLOAT),
    ("Humidity", "humidity_pct", FLOAT),
    ("Pressure", "pressure_mbar", FLOAT),
    ("Rainfall", "rainfall", BOOL),
    ("TrackTemp", "track_temp_c", FLOAT),
    ("WindDirection", "wind_direction_deg", INT),
    ("WindSpeed", "wind_speed_mps", FLOAT),
)
RACE_CONTROL: Columns = (
    ("Time", "time", TS),
    ("Category", "category", STR),
    ("Message", "message", STR),
    ("Status", "status", STR),
    ("Flag", "flag", STR),
    ("Scope", "scope", STR),
    ("Sector", "sector", INT),
    ("RacingNumber", "racing_number", STR),
    ("Lap", "lap", INT),
)
TRACK_STATUS: Columns = (
    ("Time", "session_time_ms", MS),
    ("Status", "status", STR),
    ("Message", "message", STR),
)
SESSION_STATUS: Columns = (("Time", "session_time_ms", MS), ("Status", "status", STR))
CAR_DATA: Columns = (
    ("DriverNumber", "driver_number", STR),
    ("Date", "date", TS),
    ("SessionTime", "session_time_ms", MS),
    ("Time", "lap_time_into_ms", MS),
    ("RPM", "rpm", FLOAT),
    ("Speed", "speed_kph", FLOAT),
    ("nGear", "gear", INT),
    ("Throttle", "throttle_pct", FLOAT),
    ("Brake", "brake", BOOL),
    ("DRS", "drs", INT),
    ("Source", "source", STR),
)
POSITION: Columns = (
    ("DriverNumber", "driver_number", STR),
    ("Date", "date", TS),
    ("SessionTime", "session_time_ms", MS),
    ("Time", "lap_time_into_ms", MS),
    ("Status", "status", STR),
    ("X", "x", FLOAT),
    ("Y", "y", FLOAT),
    ("Z", "z", FLOAT),
    ("Source", "source", STR),
)
# The official classification as Jolpica (Ergast) publishes it, read through FastF1's Ergast
# interface: the reference gold is reconciled against (FastF1's own `results` merge it with
# live timing, so they are not an independent answer).
OFFICIAL_RESULTS: Columns = (
    ("number", "driver_number", STR),
    ("driverCode", "driver_code", STR),
    ("position", "position", INT),
    ("positionText", "position_text", STR),
    ("status", "status", STR),
    ("laps", "laps", INT),
    ("grid", "grid", INT),
    ("points", "points", FLOAT),
    ("totalRaceTimeMillis", "race_time_ms", INT),
    ("fastestLapRank", "fastest_lap_rank", INT),
    ("fastestLapNumber", "fastest_lap_number", INT),
    ("fastestLapTime", "fastest_lap_ms", MS),
    ("Q1", "q1_ms", MS),
    ("Q2", "q2_ms", MS),
    ("Q3", "q3_ms", MS),
)
SESSION_INFO: Columns = (
    ("meeting_key", "meeting_key", INT),
    ("meeting_name", "meeting_name", STR),
    ("meeting_location", "meeting_location", STR),
    ("country_code", "country_code", STR),
    ("country_name", "country_name", STR),
    ("circuit_short_name", "circuit_short_name", STR),
    ("session_key", "session_key", INT),
    ("session_type", "session_type", STR),
    ("session_name", "session_name", STR),
    ("start_date", "start_date", TS),
    ("end_date", "end_date", TS),
    ("gmt_offset_ms", "gmt_offset_ms", INT),
    ("event_name", "event_name", STR),
    ("event_format", "event_format", STR),
    ("total_laps", "total_laps", INT),
)


def schema(columns: Columns) -> pa.Schema:
    """The declared Arrow schema of a bronze table."""
    return pa.schema([(target, _ARROW[kind]) for _, target, kind in columns])


def _column(series: pd.Series | None, kind: str, length: int) -> pa.Array:
    import pandas as pd  # on first use: processes without a FastF1 step never load it

    if series is None:
        return pa.nulls(length, _ARROW[kind])
    if kind == MS:
        values = pd.to_timedelta(series, errors="coerce")
        ms = values.dt.total_seconds().mul(1000).round()
        return pa.array(ms.astype("Int64"), type=pa.int64())
    if kind == TS:
        values = pd.to_datetime(series, errors="coerce")
        if values.dt.tz is None:
            values = values.dt.tz_localize("UTC")
        return pa.array(values, type=_ARROW[TS])
    if kind == INT:
        numbers = pd.to_numeric(series, errors="coerce")
        return pa.array(numbers.round().astype("Int64"), type=pa.int64())
    if kind == FLOAT:
        return pa.array(pd.to_numeric(series, errors="coerce"), type=pa.float64())
    if kind == BOOL:
        return pa.array(series.map(_to_bool).astype("boolean"), type=pa.bool_())
    return pa.array(series.map(_to_str), type=pa.string())


def _to_bool(value: object) -> bool | None:
    import pandas as pd  # already loaded by the caller: a dictionary lookup

    if pd.isna(value):
        return None
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value)


def _to_str(value: object) -> str | None:
    import pandas as pd  # already loaded by the caller: a dictionary lookup

    if pd.isna(value):
        return None
    text = str(value)
    return text if text != "" else None


def to_arrow(frame: pd.DataFrame | None, columns: Columns) -> pa.Table:
    """Coerce a FastF1 frame to the declared schema; absent columns become nulls."""
    import pandas as pd  # on first use: processes without a FastF1 step never load it

    frame = frame if frame is not None else pd.DataFrame()
    frame = frame.reset_index(drop=True)
    arrays = [
        _column(frame[source] if source in frame.columns else None, kind, len(frame))
        for source, _, kind in columns
    ]
    return pa.Table.from_arrays(arrays, schema=schema(columns))


@dataclass(frozen=True)
class Extracted:
    """One bronze table of a session; `missing` says why the source had no rows."""

    table: pa.Table
    missing: str | None = None


def _safe(
    getter: Callable[[], pd.DataFrame | None], what: str
) -> tuple[pd.DataFrame | None, str | None]:
    """Read a FastF1 property, turning 'not recorded' into a reason instead of a failure."""
    from fastf1.exceptions import DataNotLoadedError  # loaded with the session already

    try:
        frame = getter()
    except DataNotLoadedError:
        return None, f"FastF1 has no {what} for this session (source data not available)"
    if frame is None or len(frame) == 0:
        return None, f"FastF1 returned no {what} rows for this session"
    return frame, None


def _telemetry(getter: Callable[[], dict], what: str) -> tuple[pd.DataFrame | None, str | None]:
    import pandas as pd  # on first use: processes without a FastF1 step never load it
    from fastf1.exceptions import DataNotLoadedError

    try:
        per_driver = getter()
    except DataNotLoadedError:
        per_driver = {}
    frames = [df.assign(DriverNumber=str(drv)) for drv, df in (per_driver or {}).items() if len(df)]
    if not frames:
        return None, f"FastF1 has no {what} for this session (source data not available)"
    return pd.concat(frames, ignore_index=True), None


def session_info_frame(session: fastf1.core.Session) -> pd.DataFrame:
    """Flatten FastF1's session_info (livetiming SessionInfo) plus the calendar's event fields."""
    import pandas as pd  # on first use: processes without a FastF1 step never load it
    from fastf1.exceptions import DataNotLoadedError

    try:
        info = session.session_info or {}
    except DataNotLoadedError:
        info = {}
    meeting = info.get("Meeting", {}) or {}
    offset = info.get("GmtOffset")
    try:
        total_laps = session.total_laps
    except (DataNotLoadedError, AttributeError):
        total_laps = None
    return pd.DataFrame(
        [
            {
                "meeting_key": meeting.get("Key"),
                "meeting_name": meeting.get("Name"),
                "meeting_location": meeting.get("Location"),
                "country_code": (meeting.get("Country") or {}).get("Code"),
                "country_name": (meeting.get("Country") or {}).get("Name"),
                "circuit_short_name": (meeting.get("Circuit") or {}).get("ShortName"),
                "session_key": info.get("Key"),
                "session_type": info.get("Type"),
                "session_name": session.name,
                "start_date": info.get("StartDate") - offset
                if info.get("StartDate") and offset is not None
                else session.date,
                "end_date": info.get("EndDate") - offset
                if info.get("EndDate") and offset is not None
                else None,
                "gmt_offset_ms": int(offset.total_seconds() * 1000) if offset is not None else None,
                "event_name": session.event["EventName"],
                "event_format": session.event["EventFormat"],
                "total_laps": total_laps,
            }
        ]
    )


def extract_tables(session: fastf1.core.Session) -> dict[str, Extracted]:
    """Every bronze table of one loaded session."""
    sources: dict[str, tuple[Columns, tuple[pd.DataFrame | None, str | None]]] = {
        "session_info": (SESSION_INFO, (session_info_frame(session), None)),
        "results": (RESULTS, _safe(lambda: session.results, "results")),
        "laps": (LAPS, _safe(lambda: session.laps, "laps (no TimingData)")),
        "weather": (WEATHER, _safe(lambda: session.weather_data, "weather data")),
        "race_control_messages": (
            RACE_CONTROL,
            _safe(lambda: session.race_control_messages, "race-control messages"),
        ),
        "track_status": (TRACK_STATUS, _safe(lambda: session.track_status, "track status")),
        "session_status": (SESSION_STATUS, _safe(lambda: session.session_status, "session status")),
        "car_data": (CAR_DATA, _telemetry(lambda: session.car_data, "car telemetry")),
        "position": (POSITION, _telemetry(lambda: session.pos_data, "position data")),
        "official_results": (OFFICIAL_RESULTS, official_results_frame(session)),
    }
    return {
        name: Extracted(to_arrow(frame, columns), missing)
        for name, (columns, (frame, missing)) in sources.items()
    }


def official_results_frame(session: fastf1.core.Session) -> tuple[pd.DataFrame | None, str | None]:
    """Jolpica's classification of a race, sprint or qualifying (practice and sprint
    qualifying have none), through FastF1's Ergast interface and its cache."""
    from fastf1.ergast import Ergast
    from fastf1.exceptions import ErgastError

    ergast = Ergast(result_type="pandas", auto_cast=True)
    getters = {
        "Race": ergast.get_race_results,
        "Sprint": ergast.get_sprint_results,
        "Qualifying": ergast.get_qualifying_results,
    }
    # 2021's "Sprint Qualifying" was the sprint race itself.
    name = (
        "Sprint"
        if session.name == "Sprint Qualifying" and session.event.year == 2021
        else session.name
    )
    getter = getters.get(name)
    if getter is None:
        return None, f"Jolpica publishes no classification for a {session.name} session"
    try:
        response = getter(season=session.event.year, round=int(session.event["RoundNumber"]))
    except (ErgastError, ValueError, KeyError) as exc:
        return None, f"no Jolpica classification for this session ({type(exc).__name__})"
    frames = [frame for frame in response.content if len(frame)]
    if not frames:
        return None, "Jolpica returned no classification rows for this session"
    return frames[0], None


class SessionNotPublished(LookupError):
    """FastF1 has nothing at all for the session (not published yet, or not recorded)."""


def ensure_published(key: object, tables: dict[str, Extracted]) -> None:
    """Refuse a session with no timing, results or status at all: landing it would replace
    good bronze with empty tables."""
    content = [name for name in tables if name not in ("session_info", "official_results")]
    if all(tables[name].missing for name in content):
        raise SessionNotPublished(
            f"FastF1 has no data for {key} (no results, laps, status or messages): "
            "not published yet, or not in the recordings"
        )


FASTF1_TABLES: tuple[str, ...] = (
    "session_info",
    "results",
    "laps",
    "weather",
    "race_control_messages",
    "track_status",
    "session_status",
    "car_data",
    "position",
    "official_results",
)
