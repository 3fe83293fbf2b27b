"""Schema coercion: added and missing keys, type coercion, nothing lost."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pyarrow as pa

from f1_lakehouse.lib.openf1.coercion import SchemaDrift, coerce_records
from f1_lakehouse.lib.openf1.schemas import ENDPOINT_FIELDS, EXTRA_COLUMN, bronze_schema
from f1_lakehouse.lib.settings import BUNDLED_DATA

REFERENCE = BUNDLED_DATA / "replay" / "openf1" / "endpoint_reference.json"


def _endpoint_name(title: str, sample_url: str) -> str:
    return re.search(r"/v1/([a-z_]+)", sample_url)[1]  # type: ignore[index]


def test_every_documented_endpoint_and_attribute_is_declared() -> None:
    reference = json.loads(REFERENCE.read_text())["endpoints"]
    for title, doc in reference.items():
        endpoint = _endpoint_name(title, doc["sample_url"])
        assert endpoint in ENDPOINT_FIELDS, endpoint
        documented = {a["name"].split(" ")[0] for a in doc["attributes"]}
        assert documented <= set(ENDPOINT_FIELDS[endpoint]), (endpoint, documented)


def test_documented_sample_responses_coerce_without_drift() -> None:
    reference = json.loads(REFERENCE.read_text())["endpoints"]
    for title, doc in reference.items():
        endpoint = _endpoint_name(title, doc["sample_url"])
        table, drift = coerce_records(endpoint, doc["sample_response"])
        assert table.num_rows == len(doc["sample_response"])
        assert not drift.added and not drift.type_errors, (endpoint, drift.summary())


def test_added_fields_are_kept_and_missing_fields_are_null() -> None:
    records = [
        {
            "session_key": 1,
            "meeting_key": 2,
            "driver_number": 4,
            "date": "2024-09-22T12:00:01",
            "lap_number": 3,
            "pit_duration": 22.2,
            "pit_crew_mood": "happy",
        },
        {
            "session_key": 1,
            "meeting_key": 2,
            "driver_number": 81,
            "lap_number": 5,
            "lane_duration": 21.9,
            "stop_duration": 2.4,
        },
    ]
    table, drift = coerce_records("pit", records)
    assert table.schema.equals(bronze_schema("pit"))
    rows = table.to_pylist()
    assert json.loads(rows[0][EXTRA_COLUMN]) == {"pit_crew_mood": "happy"}
    assert rows[1][EXTRA_COLUMN] is None
    assert rows[0]["lane_duration"] is None and rows[1]["pit_duration"] is None
    assert rows[1]["date"] is None
    assert rows[0]["date"] == datetime(2024, 9, 22, 12, 0, 1, tzinfo=UTC)
    assert dict(drift.added) == {"pit_crew_mood": 1}
    assert drift.missing == []  # every declared field appeared in some record
    meta = drift.as_metadata()
    assert meta["schema_added_fields"] == ["pit_crew_mood"]
    assert "pit_crew_mood" in drift.summary()


def test_fields_absent_from_every_record_are_reported_missing() -> None:
    _, drift = coerce_records("pit", [{"session_key": 1, "pit_duration": 30.3}])
    assert drift.missing == [
        "meeting_key",
        "driver_number",
        "date",
        "lap_number",
        "lane_duration",
        "stop_duration",
    ]
    _, empty = coerce_records("pit", [])
    assert empty.missing == [] and not empty.changed


def test_types_are_coerced_and_uncoercible_values_are_kept() -> None:
    records = [
        {"driver_number": "44", "position": 3.0, "date": "2024-09-22 11:07:46.576000+00:00"},
        {"driver_number": True, "position": "P1", "date": "2024-09-22T13:16:53+00:00"},
        {"driver_number": 2.5, "position": None, "date": "yesterday"},
    ]
    table, drift = coerce_records("position", records)
    rows = table.to_pylist()
    assert [r["driver_number"] for r in rows] == [44, 1, None]
    assert [r["position"] for r in rows] == [3, None, None]
    assert rows[0]["date"] == datetime(2024, 9, 22, 11, 7, 46, 576000, tzinfo=UTC)
    assert rows[1]["date"] == datetime(2024, 9, 22, 13, 16, 53, tzinfo=UTC)
    assert json.loads(rows[1][EXTRA_COLUMN]) == {"position": "P1"}
    assert json.loads(rows[2][EXTRA_COLUMN]) == {"date": "yesterday", "driver_number": 2.5}
    assert dict(drift.type_errors) == {"position": 1, "driver_number": 1, "date": 1}


def test_polymorphic_values_become_text() -> None:
    records = [
        {"gap_to_leader": 41.019, "interval": "+1 LAP"},
        {"gap_to_leader": None, "interval": 0.003},
    ]
    table, drift = coerce_records("intervals", records)
    assert table["gap_to_leader"].to_pylist() == ["41.019", None]
    assert table["interval"].to_pylist() == ["+1 LAP", "0.003"]
    result, _ = coerce_records("session_result", [{"duration": [80.1, 79.5, None]}])
    assert result["duration"].to_pylist() == ["[80.1, 79.5, null]"]
    assert not drift.type_errors


def test_lists_bools_and_strings() -> None:
    laps, _ = coerce_records(
        "laps",
        [
            {"segments_sector_1": [None, 2049, 2051], "is_pit_out_lap": 0, "lap_duration": "98.5"},
            {"segments_sector_1": "2049", "is_pit_out_lap": "true", "lap_duration": None},
        ],
    )
    rows = laps.to_pylist()
    assert rows[0]["segments_sector_1"] == [None, 2049, 2051]
    assert [r["is_pit_out_lap"] for r in rows] == [False, True]
    assert rows[0]["lap_duration"] == 98.5
    assert rows[1]["segments_sector_1"] is None
    assert json.loads(rows[1][EXTRA_COLUMN]) == {"segments_sector_1": "2049"}
    drivers, _ = coerce_records("drivers", [{"team_colour": 3671, "first_name": {"x": 1}}])
    assert drivers["team_colour"].to_pylist() == ["3671"]
    assert drivers[EXTRA_COLUMN].to_pylist() == ['{"first_name": {"x": 1}}']


def test_schema_is_fixed_whatever_arrives() -> None:
    for endpoint in ENDPOINT_FIELDS:
        empty, _ = coerce_records(endpoint, [])
        odd, _ = coerce_records(endpoint, [{"brand_new": [1, 2]}])
        assert empty.schema.equals(bronze_schema(endpoint))
        assert odd.schema.equals(bronze_schema(endpoint))
    assert bronze_schema("car_data").field("date").type == pa.timestamp("us", tz="UTC")


def test_lone_surrogates_are_kept_in_extra_not_a_crash() -> None:
    # JSON may escape half a surrogate pair ("\ud83d"); Arrow strings must be valid UTF-8.
    drivers, drift = coerce_records("drivers", json.loads('[{"team_name": "Red Bull \\ud83d"}]'))
    assert drivers["team_name"].to_pylist() == [None]
    assert json.loads(drivers[EXTRA_COLUMN][0].as_py()) == {"team_name": "Red Bull \ud83d"}
    assert dict(drift.type_errors) == {"team_name": 1}
    pit, drift = coerce_records("pit", json.loads('[{"date": "2024-09-22T12:00:00\\ud83d"}]'))
    assert pit["date"].to_pylist() == [None]
    assert dict(drift.type_errors) == {"date": 1}


def test_converted_values_are_counted_per_field() -> None:
    """`"4"` for 4 is kept as 4 but reported: a changed type once made a second lap 4 that
    silver dropped without a word."""
    records = [
        {"driver_number": "44", "position": 3.0, "date": "2024-09-22T12:00:00+00:00"},
        {"driver_number": True, "position": 2, "date": "2024-09-22T12:00:01+00:00"},
        {"driver_number": 1, "position": 1, "date": "2024-09-22T12:00:02+00:00"},
    ]
    _, drift = coerce_records("position", records)
    assert dict(drift.coerced) == {"driver_number": 2, "position": 1}
    assert not drift.type_errors
    assert drift.changed
    assert "values of another type, converted: driver_number x2, position x1" in drift.summary()
    assert drift.as_metadata()["schema_coerced_values"] == {"driver_number": 2, "position": 1}
    clean, no_drift = coerce_records("position", records[2:])
    assert clean.num_rows == 1 and not no_drift.coerced and "converted" not in no_drift.summary()


def test_fields_missing_from_some_records_are_reported() -> None:
    records = [
        {"session_key": 1, "driver_number": 4, "lap_number": 3, "pit_duration": 22.2},
        {"session_key": 1, "driver_number": 81, "lap_number": 5},
        {"session_key": 1, "driver_number": 16, "lap_number": 7},
    ]
    _, drift = coerce_records("pit", records)
    assert drift.partly_missing == {"pit_duration": 2}
    assert "missing from some of 3 records (null): pit_duration x2" in drift.summary()
    assert drift.as_metadata()["schema_partly_missing_fields"] == {"pit_duration": 2}
    assert "meeting_key" in drift.missing  # in no record at all: missing, not partly


def test_drift_of_several_batches_adds_up() -> None:
    """Telemetry arrives in many windows: a field one window lacks is partly missing overall."""
    total = SchemaDrift("pit")
    total.merge(coerce_records("pit", [{"session_key": 1, "lap_number": "3"}])[1])
    total.merge(coerce_records("pit", [{"session_key": 1, "lap_number": 4, "date": None}])[1])
    assert total.rows == 2
    assert dict(total.coerced) == {"lap_number": 1}
    assert total.partly_missing == {"date": 1}
    assert "date" not in total.missing and "meeting_key" in total.missing
