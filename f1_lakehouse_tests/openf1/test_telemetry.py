"""Telemetry streaming: requests kept in flight, answered in order, memory bounded."""

from __future__ import annotations

import threading
import time

import pytest

from f1_lakehouse.lib.openf1.telemetry import ordered_map


class _Probe:
    """A slow function that records how many calls ran at once."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.running = 0
        self.most = 0
        self.started: list[int] = []
        self.lock = threading.Lock()
        self.fail_on = fail_on

    def __call__(self, item: int) -> int:
        with self.lock:
            self.started.append(item)
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.01 * (item % 3))  # later items sometimes finish first
        with self.lock:
            self.running -= 1
        if item == self.fail_on:
            raise RuntimeError(f"item {item} failed")
        return item * 10


@pytest.mark.parametrize("in_flight", [1, 2, 3])
def test_results_come_in_order_with_bounded_concurrency(in_flight: int) -> None:
    probe = _Probe()
    assert list(ordered_map(probe, range(12), in_flight)) == [i * 10 for i in range(12)]
    assert probe.most <= in_flight
    if in_flight > 1:
        assert probe.most > 1  # really concurrent


def test_an_error_stops_new_calls_and_propagates() -> None:
    probe = _Probe(fail_on=4)
    results = []
    with pytest.raises(RuntimeError, match="item 4 failed"):
        for value in ordered_map(probe, range(100), 2):
            results.append(value)
    assert results == [0, 10, 20, 30]
    assert len(probe.started) <= 6  # only the calls already in flight, not the other 95


def test_a_consumer_that_stops_early_leaves_nothing_running() -> None:
    probe = _Probe()
    stream = ordered_map(probe, range(100), 2)
    assert next(stream) == 0
    stream.close()
    assert probe.running == 0 and len(probe.started) <= 3


def test_in_flight_must_be_positive() -> None:
    with pytest.raises(ValueError, match="in_flight"):
        list(ordered_map(str, [1], 0))
