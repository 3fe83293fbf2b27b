"""The retry policy, and the client against the fault-injecting replay server over real HTTP.

Time is virtual (the client's sleeps advance a fake clock), the sockets are real.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from f1_lakehouse.lib.openf1.client import OpenF1Client, OpenF1RequestError, build_query
from f1_lakehouse.lib.openf1.rate_limit import RateLimiter
from f1_lakehouse.lib.openf1.replay import FaultPlan, ReplayServer
from f1_lakehouse.lib.openf1.retry import RetryPolicy, parse_retry_after
from f1_lakehouse_tests.openf1.support import VirtualTime

QUERY = {"session_key": 9606}


# --- the policy -------------------------------------------------------------------------------


def test_backoff_is_exponential_jittered_and_capped() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_max=8.0, rng=random.Random(1))
    for attempt, ceiling in [(1, 1), (2, 2), (3, 4), (4, 8), (5, 8), (9, 8)]:
        delays = [policy.delay(attempt) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered


def test_retry_after_is_a_floor_with_a_cap() -> None:
    policy = RetryPolicy(backoff_base=0.1, backoff_max=1, max_retry_after=30)
    assert policy.delay(1, retry_after=5) == 5
    assert policy.delay(1, retry_after=3600) == 30


def test_parse_retry_after_forms() -> None:
    now = datetime(2024, 9, 22, 12, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7
    assert parse_retry_after("0.25") == 0.25
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None


def test_policy_rejects_zero_attempts() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)


def test_query_encoding_of_comparison_filters() -> None:
    query = build_query([("date>=", "2024-09-22T12:00:00+00:00"), ("date<", "x"), ("n", [1, 2])])
    assert query == "date%3E=2024-09-22T12%3A00%3A00%2B00%3A00&date%3Cx&n=1&n=2"
    with pytest.raises(ValueError, match="bad OpenF1 filter"):
        build_query({"date=>": 1})


# --- the client over HTTP ---------------------------------------------------------------------


def make_client(
    server: ReplayServer, attempts: int = 4, timeout: float = 5.0
) -> tuple[OpenF1Client, VirtualTime]:
    vt = VirtualTime()
    client = OpenF1Client(
        server.base_url,
        RateLimiter(1000, 100_000, 10, clock=vt.clock, sleep=vt.sleep),
        RetryPolicy(max_attempts=attempts, backoff_base=0.5, backoff_max=4, rng=random.Random(0)),
        timeout=timeout,
        sleep=vt.sleep,
        clock=vt.clock,
    )
    return client, vt


@pytest.fixture
def fault_server(request: pytest.FixtureRequest) -> Iterator[ReplayServer]:
    with ReplayServer(faults=request.param) as server:
        yield server


def _every(kind: str, **extra: object) -> FaultPlan:
    """Every request fails with `kind`, at most twice in a row for one URL."""
    options: dict[str, object] = {"max_consecutive": 2, **extra}
    return FaultPlan(fail_rate=1.0, kinds=(kind,), **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fault_server", "kind"),
    [
        (_every("500"), "http 500"),
        (_every("502"), "http 502"),
        (_every("503"), "http 503"),
        (_every("429", retry_after=0), "http 429"),
        (_every("truncate"), "invalid json"),
        (_every("short"), "connection"),
        (_every("drop"), "connection"),
    ],
    indirect=["fault_server"],
)
def test_each_fault_is_retried_until_the_real_answer(fault_server: ReplayServer, kind: str) -> None:
    client, vt = make_client(fault_server)
    rows = client.get("stints", QUERY)
    assert len(rows) == 43
    assert client.stats.requests == 3
    assert client.stats.retries == {kind: 2}
    # Exponential backoff between attempts: ~0.5 s then ~1 s (equal jitter).
    assert 0.25 <= vt.sleeps[0] <= 0.5 and 0.5 <= vt.sleeps[1] <= 1.0


@pytest.mark.parametrize("fault_server", [_every("429", retry_after=7)], indirect=True)
def test_429_retry_after_is_honoured(fault_server: ReplayServer) -> None:
    client, vt = make_client(fault_server)
    assert len(client.get("pit", QUERY)) == 23
    assert len(vt.sleeps) >= 2 and all(s >= 7 for s in vt.sleeps[:2])


@pytest.mark.parametrize("fault_server", [_every("slow", slow_seconds=1.0)], indirect=True)
def test_timeouts_are_retried(fault_server: ReplayServer) -> None:
    client, _ = make_client(fault_server, timeout=0.2)
    assert len(client.get("drivers", QUERY)) == 20
    assert client.stats.retries == {"timeout": 2}


@pytest.mark.parametrize("fault_server", [FaultPlan(always_fail=frozenset({"pit"}))], indirect=True)
def test_bounded_attempts_then_a_clear_error(fault_server: ReplayServer) -> None:
    client, vt = make_client(fault_server, attempts=3)
    with pytest.raises(OpenF1RequestError) as info:
        client.get("pit", QUERY)
    err = info.value
    assert (err.endpoint, err.query, err.attempts, err.last_status) == (
        "pit",
        "session_key=9606",
        3,
        500,
    )
    assert "OpenF1 endpoint 'pit' failed after 3 attempt(s)" in str(err)
    assert "/pit?session_key=9606" in str(err) and "last status 500" in str(err)
    assert len(vt.sleeps) == 2  # no pointless wait after the last attempt
    assert len(client.get("laps", QUERY)) == 1179  # other endpoints are unaffected


@pytest.mark.parametrize("fault_server", [_every("truncate", max_consecutive=10)], indirect=True)
def test_truncated_bodies_are_never_returned(fault_server: ReplayServer) -> None:
    client, _ = make_client(fault_server, attempts=5)
    with pytest.raises(OpenF1RequestError, match="invalid JSON"):
        client.get("laps", QUERY)


def test_client_errors_are_not_retried(replay_server: ReplayServer) -> None:
    client, _ = make_client(replay_server)
    with pytest.raises(OpenF1RequestError, match=r"after 1 attempt\(s\).*last status 404"):
        client.get("no_such_endpoint", QUERY)
    assert client.stats.requests == 1


@pytest.mark.parametrize(
    "fault_server", [FaultPlan(empty="404"), FaultPlan(empty="list")], indirect=True
)
def test_empty_results_in_both_forms(fault_server: ReplayServer) -> None:
    client, _ = make_client(fault_server)
    assert client.get("team_radio", QUERY) == []
    assert client.get("laps", {"session_key": 1}) == []
    assert client.stats.retry_count == 0


def test_fault_schedule_is_deterministic() -> None:
    plan = FaultPlan(fail_rate=0.3, seed=5)
    decisions = []
    for _ in range(2):
        with ReplayServer(faults=plan) as server:
            client, _ = make_client(server, attempts=6)
            for driver in (1, 3, 4, 10, 11, 14, 16, 18, 20, 22, 23, 24, 27, 31, 44, 55, 63, 77, 81):
                client.get("laps", {"session_key": 9606, "driver_number": driver})
            decisions.append(dict(server.faults.injected))
    assert decisions[0] == decisions[1] and sum(decisions[0].values()) > 0
