"""The replay server: OpenF1 filter semantics, telemetry windows, the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import requests

from f1_lakehouse.lib.openf1.client import OpenF1Client, OpenF1RequestError
from f1_lakehouse.lib.openf1.rate_limit import RateLimiter
from f1_lakehouse.lib.openf1.replay import (
    DEFAULT_DATA,
    ReplayData,
    ReplayServer,
    format_openf1_dates,
    main,
    parse_filters,
)
from f1_lakehouse.lib.openf1.replay.encoding import json_objects, round_to_micros
from f1_lakehouse.lib.openf1.retry import RetryPolicy
from f1_lakehouse.lib.openf1.session_map import resolve_session
from f1_lakehouse.lib.openf1.telemetry import time_windows, window_params
from f1_lakehouse.lib.session_keys import SessionKey


@pytest.fixture(scope="module")
def client(replay_server: ReplayServer) -> OpenF1Client:
    return OpenF1Client(
        replay_server.base_url,
        RateLimiter(1000, 100_000, 10),
        RetryPolicy(max_attempts=2, backoff_base=0.001),
    )


def test_parse_filters() -> None:
    assert parse_filters("session_key=9606&date%3E=2024-09-22T12%3A00%3A00%2B00%3A00&date%3Cx") == [
        ("session_key", "=", "9606"),
        ("date", ">=", "2024-09-22T12:00:00+00:00"),
        ("date", "<", "x"),
    ]


def test_laps_come_from_the_complete_per_driver_recording(client: OpenF1Client) -> None:
    laps = client.get("laps", {"session_key": 9606})
    assert len(laps) == 1179
    assert len([lap for lap in laps if lap["lap_number"] == 1]) == 20


def test_filters_equal_or_and_comparisons(client: OpenF1Client) -> None:
    two = client.get("laps", {"session_key": 9606, "driver_number": [1, 4]})
    assert {lap["driver_number"] for lap in two} == {1, 4}
    fast = client.get("laps", {"session_key": 9606, "lap_duration<": 95, "lap_number>=": 50})
    assert fast and all(lap["lap_duration"] < 95 and lap["lap_number"] >= 50 for lap in fast)
    assert (
        client.get("sessions", {"meeting_key": 1246, "session_name": "Race"})[0]["session_key"]
        == 9606
    )
    weather = client.get("weather", {"session_key": 9606, "date<": "2024-09-22T11:10:00"})
    assert len(weather) == 3  # dates recorded with a space compare as instants too


def test_telemetry_windows_tile_the_session_without_loss_or_overlap(
    client: OpenF1Client,
) -> None:
    resolved = resolve_session(client.get, SessionKey.parse("2024-18-R"))
    windows = time_windows(resolved.date_start, resolved.date_end, timedelta(minutes=30))
    assert windows[0][0] is None and windows[-1][1] is None
    everything = client.get("car_data", {"session_key": 9606, "driver_number": 1})
    pieces = [client.get("car_data", window_params(9606, 1, w)) for w in windows]
    dates = [row["date"] for piece in pieces for row in piece]
    assert len(dates) == len(everything) == 36_339
    assert dates == [row["date"] for row in everything]
    assert sum(1 for d in dates if "." not in d) == 35  # repaired whole seconds, OpenF1's form


def test_unfiltered_telemetry_is_refused_like_openf1(replay_server: ReplayServer) -> None:
    client = OpenF1Client(
        replay_server.base_url,
        RateLimiter(1000, 100_000, 10),
        RetryPolicy(max_attempts=1, backoff_base=0.001),
    )
    with pytest.raises(OpenF1RequestError, match=r"last status 500.*too large"):
        client.get("car_data", {"session_key": 9606})


def test_unknown_paths_and_bad_filters(replay_server: ReplayServer) -> None:
    assert (
        requests.get(replay_server.base_url.removesuffix("/v1") + "/x", timeout=5).status_code
        == 404
    )
    bad = requests.get(f"{replay_server.base_url}/laps?%3E%3E", timeout=5)
    assert bad.status_code == 422


def test_missing_data_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(tmp_path / "nope"), "--port", "0"]) == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(ValueError, match="no OpenF1 recordings"):
        ReplayData(tmp_path)


def test_bad_fault_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--port", "0", "--faults", "500,gremlins"]) == 2
    assert "unknown fault kinds" in capsys.readouterr().err


def _serve(command: list[str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", *command, "--port", "0", "--fail-rate", "0.5", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert " at " in first, proc.stderr.read() if proc.stderr else ""
        url = first.rsplit(" at ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        client = OpenF1Client(
            url, RateLimiter(1000, 100_000, 10), RetryPolicy(max_attempts=6, backoff_base=0.001)
        )
        assert len(client.get("drivers", {"session_key": 9606})) == 20
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            # Seen only after the suite's shared pipeline ran in this process (never alone):
            # the server outlived SIGTERM. Not what this test checks; end it so nothing leaks.
            proc.kill()
            proc.wait(timeout=10)


def test_module_command_serves_over_http() -> None:
    _serve(["f1_lakehouse.lib.openf1.replay"])


def test_cli_command_with_separator_serves_over_http() -> None:
    _serve(["f1_lakehouse.cli", "openf1-replay", "--"])


def test_cli_command_serves_over_http() -> None:
    _serve(["f1_lakehouse.cli", "openf1-replay"])


def test_telemetry_bodies_are_byte_exact_json_of_the_recording() -> None:
    """The Arrow-built body equals `json.dumps` of each recorded row, in order, for a filtered
    window in the middle of a file, a whole file and two files."""
    data = ReplayData(DEFAULT_DATA)
    rows = {}
    for driver in (1, 4):
        path = next(DEFAULT_DATA.glob(f"*/race_9606/location/driver_number={driver}.parquet"))
        table = pq.read_table(path)
        dates = format_openf1_dates(round_to_micros(table["date"].combine_chunks()))
        table = table.set_column(table.column_names.index("date"), "date", dates)
        rows[driver] = table.to_pylist()

    def expected(selected: list[dict[str, object]]) -> bytes:
        return json.dumps(selected, separators=(",", ":"), ensure_ascii=False).encode()

    lo, hi = "2024-09-22T12:30:00+00:00", "2024-09-22T13:00:00+00:00"
    window = [r for r in rows[1] if lo <= str(r["date"]) < hi]
    assert 5_000 < len(window) < len(rows[1])
    query = (
        "session_key=9606&driver_number=1&date%3E=2024-09-22T12:30:00&date%3C2024-09-22T13:00:00"
    )
    assert data.query_json("location", parse_filters(query)) == (len(window), expected(window))
    both = parse_filters("session_key=9606&driver_number=1&driver_number=4")
    assert data.query_json("location", both)[1] == expected(rows[1] + rows[4])
    none = parse_filters("session_key=9606&driver_number=1&date%3E=2030-01-01")
    assert data.query_json("location", none) == (0, b"[]")


def test_json_objects_escape_quote_and_null_like_json_dumps() -> None:
    table = pa.table(
        {
            "date": ["2024-09-22T12:00:00+00:00", "2024-09-22T12:00:01+00:00", "x"],
            "n": pa.array([1, None, -3], pa.int64()),
            "plain": ["a", None, "é"],
            "odd": ['say "hi"', "back\\slash", "tab\there"],
        }
    )
    rows = json_objects(table).to_pylist()
    expected = [json.dumps(r, separators=(",", ":"), ensure_ascii=False) for r in table.to_pylist()]
    assert rows == [(text + ",").encode() for text in expected]
    assert [json.loads(row[:-1]) for row in rows] == table.to_pylist()
