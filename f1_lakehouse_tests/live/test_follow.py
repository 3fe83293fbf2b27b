"""Following the recorded 2024 Singapore race live: the partition grows poll by poll, every
poll holds exactly the recording's rows up to its moment, and the compacted partition equals
the batch load's file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from f1_lakehouse.lib.live.endpoints import REPLACED, STREAMED, TELEMETRY
from f1_lakehouse.lib.live.pace import SteppedClock, laps_done
from f1_lakehouse.lib.live.poll import compact, multiset_difference, poll
from f1_lakehouse.lib.openf1.replay import ReplayServer
from f1_lakehouse.lib.openf1.session_map import resolve_session
from f1_lakehouse_tests.live.support import (
    AFTER_THE_END,
    KEY,
    START,
    batch_table,
    live_rows,
    recorded_before,
)
from f1_lakehouse_tests.openf1.support import bronze_file, fast_resource

# The chosen moments: on the grid, 20 minutes in, a minute later (a short, session-wide
# telemetry window), past half distance; then the session is compacted after the flag.
MOMENTS = (
    START - timedelta(minutes=10),
    START + timedelta(minutes=20),
    START + timedelta(minutes=21),
    START + timedelta(minutes=70),
)


@dataclass
class Followed:
    """A live root after each poll: rows held per endpoint, and the batch load beside it."""

    live_root: Path
    batch_root: Path
    rows_after_poll: list[dict[str, pa.Table]]


@pytest.fixture(scope="module")
def followed(tmp_path_factory: pytest.TempPathFactory, batch_root: Path) -> Iterator[Followed]:
    live_root = tmp_path_factory.mktemp("live_root")
    clock = SteppedClock(MOMENTS[0])
    held: list[dict[str, pa.Table]] = []
    with ReplayServer(clock=clock) as server, fast_resource(server.base_url).connected() as client:
        session = resolve_session(client.get, KEY)
        for moment in MOMENTS:
            clock.at = moment
            poll(client, session, live_root / "bronze", KEY, moment)
            held.append({e: live_rows(live_root, e) for e in (*STREAMED, *REPLACED)})
        clock.at = AFTER_THE_END
        compact(client, session, live_root / "bronze", KEY)
    yield Followed(live_root, batch_root, held)


def test_the_partition_grows_poll_by_poll(followed: Followed) -> None:
    counts = [{e: t.num_rows for e, t in held.items()} for held in followed.rows_after_poll]
    for endpoint in ("position", "car_data", "location", "laps"):
        series = [c[endpoint] for c in counts]
        assert series == sorted(series), f"{endpoint} shrank between polls: {series}"
        assert series[-1] > series[1] > 0, f"{endpoint} did not grow during the race: {series}"
    # Before the start no lap is complete; the race's laps arrive as they are completed.
    assert counts[0]["laps"] == 0
    assert (
        counts[1]["laps"] < counts[-1]["laps"] < batch_table(followed.batch_root, "laps").num_rows
    )


@pytest.mark.parametrize("endpoint", STREAMED)
def test_each_poll_holds_exactly_the_recording_up_to_its_moment(
    followed: Followed, endpoint: str
) -> None:
    """No row twice, none skipped: the windows tile the time line."""
    batch = batch_table(followed.batch_root, endpoint)
    for moment, held in zip(MOMENTS, followed.rows_after_poll, strict=True):
        expected = recorded_before(batch, moment)
        assert multiset_difference(expected, held[endpoint]) == (0, 0), f"{endpoint} at {moment}"


def test_laps_released_are_the_laps_completed_by_then(followed: Followed) -> None:
    batch = batch_table(followed.batch_root, "laps").to_pylist()
    recorded = [{**r, "date_start": r["date_start"] and r["date_start"].isoformat()} for r in batch]
    for moment, held in zip(MOMENTS, followed.rows_after_poll, strict=True):
        done = laps_done(recorded, moment)
        got: dict[int, int] = {}
        for row in held["laps"].to_pylist():
            got[row["driver_number"]] = max(got.get(row["driver_number"], 0), row["lap_number"])
        assert got == {d: n for d, n in done.items() if n}, f"laps at {moment}"


@pytest.mark.parametrize("endpoint", (*STREAMED, *REPLACED))
def test_compacted_partition_equals_the_batch_load(followed: Followed, endpoint: str) -> None:
    folder = bronze_file(followed.live_root, endpoint).parent
    assert not list(folder.glob("live-*.parquet")), "micro-batches left after compaction"
    live, batch = (
        batch_table(followed.live_root, endpoint),
        batch_table(followed.batch_root, endpoint),
    )
    assert live.num_rows == batch.num_rows
    assert multiset_difference(batch, live) == (0, 0)
    if endpoint in TELEMETRY:  # the same order too: driver by driver, in time order
        assert live.equals(batch)


def test_stints_released_are_those_begun_capped_at_the_lap_in_progress(followed: Followed) -> None:
    recorded = batch_table(followed.batch_root, "stints").to_pylist()
    for held in followed.rows_after_poll[1:]:
        done: dict[int, int] = {}
        for lap in held["laps"].to_pylist():
            done[lap["driver_number"]] = max(done.get(lap["driver_number"], 0), lap["lap_number"])
        stints = held["stints"].to_pylist()
        assert stints, "no stint released during the race"
        for stint in stints:
            in_progress = done.get(stint["driver_number"], 0) + 1
            assert stint["lap_start"] <= in_progress
            assert stint["lap_end"] is None or stint["lap_end"] <= in_progress
        begun = [s for s in recorded if s["lap_start"] <= done.get(s["driver_number"], 0) + 1]
        assert len(stints) == len(begun)
