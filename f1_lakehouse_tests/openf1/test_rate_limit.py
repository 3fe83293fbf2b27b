"""The rate limiter, on a virtual clock: no real sleeping."""

from __future__ import annotations

import math

import pytest

from f1_lakehouse.lib.openf1.rate_limit import RateLimiter
from f1_lakehouse_tests.openf1.support import VirtualTime


def limiter(per_second: float, per_window: int, window: float) -> tuple[RateLimiter, VirtualTime]:
    vt = VirtualTime()
    return RateLimiter(per_second, per_window, window, clock=vt.clock, sleep=vt.sleep), vt


def test_per_second_budget() -> None:
    rl, vt = limiter(per_second=3, per_window=1000, window=60)
    times = []
    for _ in range(7):
        rl.acquire()
        times.append(vt.now - 1000.0)
    assert times == [0, 0, 0, 1, 1, 1, 2]
    # Never more than 3 requests in any 1-second span.
    assert all(times[i + 3] - times[i] >= 1 for i in range(len(times) - 3))


def test_per_window_budget() -> None:
    rl, vt = limiter(per_second=100, per_window=5, window=10)
    times = []
    for _ in range(12):
        rl.acquire()
        times.append(vt.now - 1000.0)
    assert times == [0] * 5 + [10] * 5 + [20] * 2
    assert all(times[i + 5] - times[i] >= 10 for i in range(len(times) - 5))


def test_both_budgets_public_api_defaults() -> None:
    rl, vt = limiter(per_second=3, per_window=30, window=60)
    times = []
    for _ in range(31):
        rl.acquire()
        times.append(vt.now - 1000.0)
    assert times[:6] == [0, 0, 0, 1, 1, 1]
    assert times[29] == 9 and times[30] == 60  # the 31st waits for the first to leave the minute


def test_fractional_rate_spaces_requests() -> None:
    rl, vt = limiter(per_second=0.5, per_window=100, window=60)
    for _ in range(3):
        rl.acquire()
    assert vt.now - 1000.0 == pytest.approx(4.0)


def test_idle_time_refills_the_budget() -> None:
    rl, vt = limiter(per_second=2, per_window=4, window=10)
    for _ in range(4):
        rl.acquire()
    vt.now += 30
    before = vt.now
    rl.acquire()
    assert vt.now == before


def test_pause_holds_requests_back() -> None:
    rl, _ = limiter(per_second=100, per_window=100, window=10)
    rl.acquire()
    rl.pause(7.5)
    waited = rl.acquire()
    assert waited == pytest.approx(7.5)
    assert rl.waited_seconds == pytest.approx(7.5)


@pytest.mark.parametrize("args", [(0, 10, 10), (3, 0, 10), (3, 10, 0)])
def test_rejects_non_positive_budgets(args: tuple[float, int, float]) -> None:
    with pytest.raises(ValueError, match="must be positive"):
        RateLimiter(*args)


def test_no_per_second_budget_never_waits_but_honours_retry_after() -> None:
    rl, vt = limiter(per_second=math.inf, per_window=100_000, window=1)
    for _ in range(5_000):
        rl.acquire()
    assert vt.sleeps == [] and rl.waited_seconds == 0
    rl.pause(2.5)  # a 429 from the loopback replay server
    assert rl.acquire() == 2.5
