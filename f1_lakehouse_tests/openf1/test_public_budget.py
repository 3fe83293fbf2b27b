"""Fewer, larger telemetry requests against a replay server that behaves like the public API:
its rate budget (429 + Retry-After), its refusal of unfiltered telemetry (500) and its query
timeout (408), which the client answers by splitting the window."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pyarrow as pa
import pytest
import requests

from f1_lakehouse.lib.openf1.client import OpenF1Client, OpenF1RequestError
from f1_lakehouse.lib.openf1.rate_limit import RateLimiter
from f1_lakehouse.lib.openf1.replay import RateBudget, ReplayServer
from f1_lakehouse.lib.openf1.retry import RetryPolicy
from f1_lakehouse.lib.openf1.session_map import resolve_session
from f1_lakehouse.lib.openf1.telemetry import driver_numbers, stream_telemetry
from f1_lakehouse.lib.session_keys import SessionKey

# The recorded 2024 Singapore GP race: car_data rows of driver 1, whole session.
DRIVER_1_CAR_DATA = 36_339


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class _Sink:
    def __init__(self) -> None:
        self.tables: list[pa.Table] = []

    def write(self, data: pa.Table | pa.RecordBatch) -> None:
        self.tables.append(data)


def _client(url: str, attempts: int = 1) -> OpenF1Client:
    return OpenF1Client(
        url, RateLimiter(math.inf, 100_000, 1.0), RetryPolicy(max_attempts=attempts)
    )


@pytest.fixture
def small_server() -> Iterator[ReplayServer]:
    """A server whose "timeout" falls at 20,000 rows: a whole race for one driver is too long."""
    with ReplayServer() as server:
        server.data.max_rows = 20_000
        yield server


def test_budget_admits_3_a_second_and_30_a_minute() -> None:
    clock = _Clock()
    budget = RateBudget(per_second=3, per_minute=30, clock=clock)
    assert [budget.admit() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert budget.admit() == pytest.approx(1.0)  # a 4th in the same second waits a second
    for _ in range(9):  # 27 more over the next 9 seconds fill the minute
        clock.now += 1.0
        assert [budget.admit() for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.now += 1.0
    assert budget.admit() == pytest.approx(50.0)  # the first of the 30 leaves the minute at 60 s
    clock.now += 50.0
    assert budget.admit() == 0.0
    assert budget.refused == 2
    with pytest.raises(ValueError, match="positive"):
        RateBudget(per_second=0)


def test_server_refuses_over_budget_like_the_public_api() -> None:
    with ReplayServer(budget=RateBudget(per_second=3, per_minute=30)) as server:
        answers = [
            requests.get(f"{server.base_url}/sessions?session_key=9606", timeout=5)
            for _ in range(4)
        ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[3].json() == {"message": "Rate exceeded"}
    assert int(answers[3].headers["Retry-After"]) >= 1
    assert server.budget is not None and server.budget.refused == 1


def test_a_client_on_the_public_budget_is_never_refused() -> None:
    clock_budget = RateBudget(per_second=3, per_minute=30)
    with ReplayServer(budget=clock_budget) as server:
        client = OpenF1Client(
            server.base_url, RateLimiter(3, 30, 60.0, slack=0.1), RetryPolicy(max_attempts=1)
        )
        for _ in range(7):
            client.get("laps", {"session_key": 9606, "driver_number": 1})
    assert clock_budget.refused == 0
    assert client.limiter.waited_seconds > 1.0  # it paced itself instead


def test_telemetry_without_a_driver_is_refused_as_too_much_data(
    replay_server: ReplayServer,
) -> None:
    with pytest.raises(OpenF1RequestError, match=r"last status 500.*too much data"):
        _client(replay_server.base_url).get("car_data", {"session_key": 9606})


def test_one_request_per_driver_for_a_whole_session(replay_server: ReplayServer) -> None:
    client = _client(replay_server.base_url)
    session = resolve_session(client.get, SessionKey.parse("2024-18-R"))
    sink, heard = _Sink(), []
    report = stream_telemetry(
        client,
        "car_data",
        session,
        [1, 4],
        sink,
        progress=lambda *args: heard.append(args),
    )
    assert report.windows == 2 and report.splits == 0
    assert report.rows_per_driver[1] == DRIVER_1_CAR_DATA
    assert [h[:3] for h in heard] == [(1, 2, 1), (2, 2, 4)]
    assert heard[0][3] == DRIVER_1_CAR_DATA


def test_a_timed_out_request_is_split_until_it_fits(small_server: ReplayServer) -> None:
    client = _client(small_server.base_url)
    session = resolve_session(client.get, SessionKey.parse("2024-18-R"))
    sink = _Sink()
    report = stream_telemetry(client, "car_data", session, [1], sink)
    assert report.splits >= 1 and report.windows > 1
    assert report.rows_per_driver[1] == DRIVER_1_CAR_DATA  # nothing lost or fetched twice
    dates = sink.tables[0]["date"].to_pylist()
    assert dates == sorted(dates) and len(set(dates)) == len(dates)


def test_a_timeout_that_cannot_be_split_fails_clearly(small_server: ReplayServer) -> None:
    client = _client(small_server.base_url)
    with pytest.raises(OpenF1RequestError, match=r"last status 408.*timed out"):
        client.get("car_data", {"session_key": 9606, "driver_number": 1})


def test_session_and_drivers_are_fetched_once_per_client(replay_server: ReplayServer) -> None:
    client = _client(replay_server.base_url)
    key = SessionKey.parse("2024-18-R")
    first = resolve_session(client.get, key)
    drivers = driver_numbers(client, first.session_key)
    before = client.stats.requests
    again = resolve_session(client.get, key)
    assert driver_numbers(client, first.session_key) == drivers and len(drivers) == 20
    assert again.session_key == first.session_key == 9606
    assert client.stats.requests == before  # the second asset of a run asks nothing again
