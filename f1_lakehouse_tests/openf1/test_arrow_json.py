"""Bodies read straight into Arrow: the same table and drift as the per-record path, or None.

The per-record path (`json.loads` + `coerce_records`) is the reference: whatever body the fast
reader accepts must give exactly its table and drift, and every body it would reject (not JSON,
not a list of records) must be refused by the fast reader too.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pyarrow as pa
import pytest

from f1_lakehouse.lib.openf1.arrow_json import read_body_table, supports
from f1_lakehouse.lib.openf1.client import OpenF1Client, OpenF1RequestError, build_query
from f1_lakehouse.lib.openf1.coercion import SchemaDrift, coerce_records
from f1_lakehouse.lib.openf1.dates import parse_openf1_date
from f1_lakehouse.lib.openf1.rate_limit import RateLimiter
from f1_lakehouse.lib.openf1.replay import DEFAULT_DATA, ReplayData, parse_filters
from f1_lakehouse.lib.openf1.retry import RetryPolicy
from f1_lakehouse.lib.openf1.schemas import ENDPOINTS
from f1_lakehouse.lib.openf1.telemetry import time_windows, window_params

CAR = (
    b'[{"date": "2024-09-22T12:00:00.183000+00:00", "session_key": 9606, "speed": 0, '
    b'"n_gear": 1, "rpm": 3677, "driver_number": 1, "throttle": 0, "brake": 100, "drs": 1, '
    b'"meeting_key": 1246}, {"date": "2024-09-22T12:00:01+00:00", "session_key": 9606, '
    b'"speed": 3, "n_gear": 1, "rpm": 3611, "driver_number": 1, "throttle": 12, "brake": 0, '
    b'"drs": 8, "meeting_key": 1246}]'
)


QUERY = {"session_key": 9606, "driver_number": 1}


class _StubResponse:
    status_code = 200
    reason = "OK"
    headers: dict[str, str] = {}

    def __init__(self, body: bytes) -> None:
        self.body = body

    def iter_content(self, chunk_size: int) -> list[bytes]:
        return [self.body[i : i + chunk_size] for i in range(0, len(self.body), chunk_size)]


class _StubSession:
    """Answers each GET with the next body (the last one repeats): odd bodies without a server."""

    def __init__(self, bodies: list[bytes]) -> None:
        self.bodies = bodies
        self.headers: dict[str, str] = {}

    def get(self, url: str, **kwargs: object) -> _StubResponse:
        return _StubResponse(self.bodies.pop(0) if len(self.bodies) > 1 else self.bodies[0])


def stub_client(bodies: list[bytes]) -> OpenF1Client:
    return OpenF1Client(
        "http://stub/v1",
        RateLimiter(1000, 100_000, 10),
        RetryPolicy(max_attempts=2, backoff_base=0),
        session=_StubSession(bodies),  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def replay() -> ReplayData:
    return ReplayData(DEFAULT_DATA)


def record_path(endpoint: str, body: bytes) -> tuple[pa.Table, SchemaDrift] | None:
    """The reference: the per-record path, None where the client would reject the body."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        return None
    return coerce_records(endpoint, data)


def assert_same(
    fast: tuple[pa.Table, SchemaDrift] | None, slow: tuple[pa.Table, SchemaDrift] | None
) -> None:
    assert fast is not None and slow is not None
    assert fast[0].schema.equals(slow[0].schema)
    assert fast[0].equals(slow[0])
    assert fast[1] == slow[1]


def telemetry_bodies(replay: ReplayData, endpoint: str, drivers: list[int]) -> list[bytes]:
    session = replay.query("sessions", [("session_key", "=", "9606")])[0]
    windows = time_windows(
        parse_openf1_date(session["date_start"]),
        parse_openf1_date(session["date_end"]),
        timedelta(minutes=30),
    )
    bodies = []
    for driver in drivers:
        for window in windows:
            query = build_query(window_params(9606, driver, window))
            count, body = replay.query_json(endpoint, parse_filters(query))
            if count:
                bodies.append(body)
    return bodies


@pytest.mark.parametrize("endpoint", ["car_data", "location"])
def test_recorded_telemetry_reads_identically(replay: ReplayData, endpoint: str) -> None:
    bodies = telemetry_bodies(replay, endpoint, [1, 44])
    assert len(bodies) >= 8
    rows = 0
    for body in bodies:
        fast = read_body_table(endpoint, body)
        assert_same(fast, record_path(endpoint, body))
        compact = json.dumps(json.loads(body), separators=(",", ":")).encode()
        assert_same(read_body_table(endpoint, compact), fast)  # the live API's compact form
        rows += fast[0].num_rows  # type: ignore[index]
    assert rows > 70_000
    pretty = json.dumps(json.loads(bodies[0]), indent=2).encode()
    assert_same(read_body_table(endpoint, pretty), record_path(endpoint, pretty))


def test_other_recorded_endpoints_read_identically_or_fall_back(replay: ReplayData) -> None:
    taken = set()
    for endpoint in ENDPOINTS:
        if endpoint in ("car_data", "location"):
            continue
        count, body = replay.query_json(endpoint, [("session_key", "=", "9606")])
        if not count:
            continue
        fast = read_body_table(endpoint, body)
        slow = record_path(endpoint, body)
        if fast is not None:
            taken.add(endpoint)
            assert_same(fast, slow)
        assert supports(endpoint) or fast is None
    # position/weather/overtakes are plain; pit (fields never sent) must fall back.
    assert {"position", "weather", "overtakes"} <= taken
    assert "pit" not in taken and "laps" not in taken


def test_an_empty_list_is_read_as_an_empty_table() -> None:
    for body in (b"[]", b" [ ] "):
        assert_same(read_body_table("car_data", body), record_path("car_data", body))


def test_the_sample_is_plain() -> None:
    fast = read_body_table("car_data", CAR)
    assert_same(fast, record_path("car_data", CAR))
    assert fast is not None and fast[0]["drs"].to_pylist() == [1, 8]


@pytest.mark.parametrize(
    "body",
    [
        CAR[: len(CAR) // 2],  # truncated
        CAR[:-1],  # closing bracket lost
        CAR[:-2] + b"]",  # cut inside the last record
        b"",
        b"<html>502 Bad Gateway</html>",
        b'{"detail": "x"}',  # an object, not a list
        b"[1, 2]",
        CAR.replace(b"}, {", b"} {"),  # two records without a comma
        CAR.replace(b"}, {", b"},, {"),
        CAR.replace(b"}]", b"}]]"),
        CAR + b', "records": []',  # would smuggle a second field into the wrapper
        CAR + b'} {"records": []',  # or a second document
        b"null",
        CAR.replace(b"}]", b"}, null]"),  # a null among the records
    ],
)
def test_bodies_the_fast_reader_refuses(body: bytes) -> None:
    assert read_body_table("car_data", body) is None


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'"speed": 3,', b'"speed": 3.0,'),  # float where an int is declared
        (b'"speed": 3,', b'"speed": "3",'),
        (b'"speed": 3,', b'"speed": true,'),
        (b'"speed": 3,', b'"speed": 99999999999999999999,'),
        (b'"speed": 3,', b'"speed": [3],'),
        (b'"speed": 3,', b'"speed": 3, "tyre": "soft",'),  # an undeclared field
        (b'"speed": 3,', b'"speed": 3, "speed": 4,'),  # duplicate key
        (b'"speed": 3,', b'"speed": "a}, {b",'),
        (b'"speed": 3,', b'"speed": {"a": 1},'),
        (
            b'+00:00", "session_key": 9606, "speed": 3',
            b'yesterday", "session_key": 9606, "speed": 3',
        ),
        (
            b'+00:00", "session_key": 9606, "speed": 3',
            b'\\ud83d", "session_key": 9606, "speed": 3',
        ),
        (b'+00:00", "session_key": 9606, "speed": 3', b'\xff", "session_key": 9606, "speed": 3'),
    ],
)
def test_odd_values_take_the_record_path(old: bytes, new: bytes) -> None:
    body = CAR.replace(old, new)
    assert body != CAR
    assert read_body_table("car_data", body) is None
    client = stub_client([body])
    if record_path("car_data", body) is None:  # not JSON after all: retried, then an error
        with pytest.raises(OpenF1RequestError, match=r"invalid JSON|not a list"):
            client.get_table("car_data", QUERY)
    else:  # the record path coerces it, with its drift report
        assert_same(client.get_table("car_data", QUERY), record_path("car_data", body))
        assert client.stats.record_path_bodies == 1


def test_missing_and_all_null_fields_take_the_record_path() -> None:
    missing = CAR.replace(b'"drs": 1, ', b"").replace(b'"drs": 8, ', b"")
    assert read_body_table("car_data", missing) is None
    assert record_path("car_data", missing)[1].missing == ["drs"]  # type: ignore[index]
    nulls = CAR.replace(b'"drs": 1,', b'"drs": null,').replace(b'"drs": 8,', b'"drs": null,')
    assert read_body_table("car_data", nulls) is None
    assert record_path("car_data", nulls)[1].missing == []  # type: ignore[index]
    one_null = CAR.replace(b'"drs": 1,', b'"drs": null,')
    assert_same(read_body_table("car_data", one_null), record_path("car_data", one_null))


def test_every_cut_and_mutation_is_refused_or_read_identically() -> None:
    """A cheap fuzz: every prefix, and random byte edits, of a real body."""
    checked = 0
    rng = random.Random(7)
    bodies = [CAR[:cut] for cut in range(len(CAR))] + [CAR[:cut] + b"]" for cut in range(len(CAR))]
    alphabet = b'{}[],:" 0123456789.-eEtrufalsn\\\n'
    for _ in range(1500):
        pos = rng.randrange(len(CAR))
        edit = bytes([rng.choice(alphabet)])
        bodies.append(CAR[:pos] + edit + CAR[pos + rng.choice((0, 1)) :])
    for body in bodies:
        fast = read_body_table("car_data", body)
        if fast is None:
            continue
        assert_same(fast, record_path("car_data", body))
        checked += 1
    assert checked > 20  # some edits (digits in numbers) stay plain and are compared


def test_only_plain_kinds_are_supported() -> None:
    assert supports("car_data") and supports("location")
    assert not supports("laps")  # list-of-int segments
    assert not supports("intervals")  # number-or-text gaps


def test_the_client_reads_plain_bodies_fast_and_retries_bad_ones() -> None:
    client = stub_client([CAR[:100], b'{"detail": "x"}', CAR])
    with pytest.raises(OpenF1RequestError, match=r"after 2 attempt.*not a list of records"):
        client.get_table("car_data", QUERY)  # cut, then the wrong shape: both retried
    assert client.stats.retries == {"invalid json": 1, "bad shape": 1}
    table, drift = client.get_table("car_data", QUERY)
    assert_same((table, drift), record_path("car_data", CAR))
    assert client.stats.record_path_bodies == 2  # only the two bad bodies went that way
