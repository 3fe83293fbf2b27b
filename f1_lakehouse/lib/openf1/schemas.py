"""The declared bronze schema of each OpenF1 endpoint: its fields, their kinds, `_extra`.

OpenF1 adds and deprecates fields over time (meetings gained circuit_type…, pit gained
lane_duration/stop_duration, drivers.country_code is deprecated). Bronze keeps a fixed, declared
schema per endpoint so every partition reads the same way downstream; `coercion` casts the
API's records onto it and loses nothing (fields not declared here go to `_extra`).
"""

from __future__ import annotations

import pyarrow as pa

EXTRA_COLUMN = "_extra"
TIMESTAMP = pa.timestamp("us", tz="UTC")

# Declared kinds: int, float, bool, str, ts (UTC timestamp), ints (list of int) and
# text (a value OpenF1 sends as a number *or* a string/list, e.g. gap_to_leader "+1 LAP":
# kept as text, numbers and lists JSON-encoded, for silver to interpret).
KIND_TYPES: dict[str, pa.DataType] = {
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "str": pa.string(),
    "ts": TIMESTAMP,
    "ints": pa.list_(pa.int64()),
    "text": pa.string(),
}

_SESSION = {"meeting_key": "int", "session_key": "int"}
# When and where, as both a meeting and each of its sessions carry it.
_WHEN_AND_WHERE = {
    "year": "int",
    "date_start": "ts",
    "date_end": "ts",
    "gmt_offset": "str",
    "is_cancelled": "bool",
    "location": "str",
    "country_key": "int",
    "country_code": "str",
    "country_name": "str",
}
_CIRCUIT = {"circuit_key": "int", "circuit_short_name": "str"}

# Field lists follow the OpenF1 documentation (data/replay/openf1/endpoint_reference.json),
# plus fields seen in the recorded responses (meetings.meeting_code). Deprecated fields stay
# declared while OpenF1 still sends them for older sessions.
ENDPOINT_FIELDS: dict[str, dict[str, str]] = {
    "meetings": {
        "meeting_key": "int",
        "meeting_name": "str",
        "meeting_official_name": "str",
        "meeting_code": "str",
        **_WHEN_AND_WHERE,
        "country_flag": "str",
        **_CIRCUIT,
        "circuit_type": "str",
        "circuit_image": "str",
        "circuit_info_url": "str",
    },
    "sessions": {
        **_SESSION,
        "session_name": "str",
        "session_type": "str",
        **_WHEN_AND_WHERE,
        **_CIRCUIT,
    },
    "drivers": {
        **_SESSION,
        "driver_number": "int",
        "broadcast_name": "str",
        "full_name": "str",
        "first_name": "str",
        "last_name": "str",
        "name_acronym": "str",
        "team_name": "str",
        "team_colour": "str",
        "headshot_url": "str",
        "country_code": "str",
    },
    "laps": {
        **_SESSION,
        "driver_number": "int",
        "lap_number": "int",
        "date_start": "ts",
        "lap_duration": "float",
        "duration_sector_1": "float",
        "duration_sector_2": "float",
        "duration_sector_3": "float",
        "i1_speed": "int",
        "i2_speed": "int",
        "st_speed": "int",
        "is_pit_out_lap": "bool",
        "segments_sector_1": "ints",
        "segments_sector_2": "ints",
        "segments_sector_3": "ints",
    },
    "stints": {
        **_SESSION,
        "driver_number": "int",
        "stint_number": "int",
        "lap_start": "int",
        "lap_end": "int",
        "compound": "str",
        "tyre_age_at_start": "int",
    },
    "pit": {
        **_SESSION,
        "driver_number": "int",
        "date": "ts",
        "lap_number": "int",
        "lane_duration": "float",
        "stop_duration": "float",
        "pit_duration": "float",
    },
    "position": {**_SESSION, "driver_number": "int", "date": "ts", "position": "int"},
    "intervals": {
        **_SESSION,
        "driver_number": "int",
        "date": "ts",
        "gap_to_leader": "text",
        "interval": "text",
    },
    "race_control": {
        **_SESSION,
        "date": "ts",
        "driver_number": "int",
        "lap_number": "int",
        "category": "str",
        "flag": "str",
        "scope": "str",
        "sector": "int",
        "qualifying_phase": "int",
        "message": "str",
    },
    "weather": {
        **_SESSION,
        "date": "ts",
        "air_temperature": "float",
        "track_temperature": "float",
        "humidity": "float",
        "pressure": "float",
        "rainfall": "int",
        "wind_direction": "int",
        "wind_speed": "float",
    },
    "car_data": {
        **_SESSION,
        "driver_number": "int",
        "date": "ts",
        "speed": "int",
        "rpm": "int",
        "n_gear": "int",
        "throttle": "int",
        "brake": "int",
        "drs": "int",
    },
    "location": {
        **_SESSION,
        "driver_number": "int",
        "date": "ts",
        "x": "int",
        "y": "int",
        "z": "int",
    },
    "overtakes": {
        **_SESSION,
        "date": "ts",
        "overtaking_driver_number": "int",
        "overtaken_driver_number": "int",
        "position": "int",
    },
    "session_result": {
        **_SESSION,
        "driver_number": "int",
        "position": "int",
        "number_of_laps": "int",
        "duration": "text",
        "gap_to_leader": "text",
        "dnf": "bool",
        "dns": "bool",
        "dsq": "bool",
    },
    "starting_grid": {
        **_SESSION,
        "driver_number": "int",
        "position": "int",
        "lap_duration": "float",
    },
    "team_radio": {
        **_SESSION,
        "driver_number": "int",
        "date": "ts",
        "recording_url": "str",
    },
    "championship_drivers": {
        **_SESSION,
        "driver_number": "int",
        "position_start": "int",
        "position_current": "int",
        "points_start": "float",
        "points_current": "float",
    },
    "championship_teams": {
        **_SESSION,
        "team_name": "str",
        "position_start": "int",
        "position_current": "int",
        "points_start": "float",
        "points_current": "float",
    },
}

ENDPOINTS: tuple[str, ...] = tuple(ENDPOINT_FIELDS)


def bronze_schema(endpoint: str) -> pa.Schema:
    """The declared bronze schema of an endpoint: its fields, then `_extra`."""
    fields = endpoint_fields(endpoint)
    return pa.schema(
        [pa.field(name, KIND_TYPES[kind]) for name, kind in fields.items()]
        + [pa.field(EXTRA_COLUMN, pa.string())]
    )


def endpoint_fields(endpoint: str) -> dict[str, str]:
    """The declared fields of an endpoint and their kinds (see `KIND_TYPES`)."""
    try:
        return ENDPOINT_FIELDS[endpoint]
    except KeyError:
        raise KeyError(
            f"no declared bronze schema for OpenF1 endpoint {endpoint!r}; "
            f"known: {', '.join(ENDPOINTS)}"
        ) from None
