"""A live poller killed in the middle of a poll resumes from the cursor stored with its
batches: no window is fetched twice and none is skipped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from f1_lakehouse.lib.live.batches import batches, cursor
from f1_lakehouse.lib.live.endpoints import STREAMED
from f1_lakehouse.lib.live.pace import SteppedClock
from f1_lakehouse.lib.live.poll import multiset_difference, poll
from f1_lakehouse.lib.openf1.replay import FaultPlan, ReplayServer
from f1_lakehouse.lib.openf1.session_map import resolve_session
from f1_lakehouse.lib.settings import REPO_ROOT
from f1_lakehouse_tests.live.poller_process import MID_POLL
from f1_lakehouse_tests.live.support import KEY, START, batch_table, live_rows, recorded_before
from f1_lakehouse_tests.openf1.support import fast_resource

FIRST, KILLED_AT, RESUMED_TO = (START + timedelta(minutes=m) for m in (5, 25, 40))


def test_a_poller_killed_mid_poll_resumes_without_gap_or_duplicate(
    tmp_path: Path, batch_root: Path
) -> None:
    bronze = tmp_path / "bronze"
    command = [sys.executable, "-m", "f1_lakehouse_tests.live.poller_process", str(bronze)]
    process = subprocess.Popen(
        [*command, FIRST.isoformat(), KILLED_AT.isoformat()],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    said = []
    try:
        assert process.stdout is not None
        for line in process.stdout:  # ends if the poller dies before it gets there
            said.append(line.strip())
            if line.strip() == MID_POLL:
                os.kill(process.pid, signal.SIGKILL)
                break
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    assert said[-1] == MID_POLL, f"the poller ended before it was killed: {said}"
    assert process.returncode == -signal.SIGKILL

    # Killed after the first endpoint of the second poll: it holds both windows, the rest one.
    first, rest = STREAMED[0], STREAMED[1:]
    assert cursor(bronze, "openf1", first, KEY).until == KILLED_AT  # type: ignore[union-attr]
    for endpoint in rest:
        newest = cursor(bronze, "openf1", endpoint, KEY)
        assert newest is None or newest.until == FIRST, endpoint

    clock = SteppedClock(KILLED_AT)
    with ReplayServer(clock=clock) as server, fast_resource(server.base_url).connected() as client:
        session = resolve_session(client.get, KEY)
        for moment in (KILLED_AT, RESUMED_TO):
            clock.at = moment
            poll(client, session, bronze, KEY, moment)
            for endpoint in STREAMED:
                expected = recorded_before(batch_table(batch_root, endpoint), moment)
                held = live_rows(bronze.parent, endpoint)
                assert held.num_rows == expected.num_rows, (endpoint, moment)
                assert multiset_difference(expected, held) == (0, 0), (endpoint, moment)
    sequences = [b.sequence for b in batches(bronze, "openf1", first, KEY)]
    assert sequences == list(range(1, len(sequences) + 1))


def test_injected_429s_slow_the_poll_and_it_still_lands_every_row(
    tmp_path: Path, batch_root: Path
) -> None:
    """Rate-limit answers are retried after their Retry-After; the windows still tile."""
    bronze = tmp_path / "bronze"
    plan = FaultPlan(fail_rate=0.5, kinds=("429",), seed=20, retry_after=0.01, max_consecutive=2)
    moments = (START + timedelta(minutes=10), START + timedelta(minutes=11))
    clock = SteppedClock(moments[0])
    with (
        ReplayServer(clock=clock, faults=plan) as server,
        fast_resource(server.base_url).connected() as client,
    ):
        session = resolve_session(client.get, KEY)
        for moment in moments:
            clock.at = moment
            poll(client, session, bronze, KEY, moment)
        injected = dict(server.faults.injected)
        retries = client.stats.retries
    assert injected.get("429", 0) > 0 and retries["http 429"] == injected["429"]
    for endpoint in STREAMED:
        expected = recorded_before(batch_table(batch_root, endpoint), moments[-1])
        assert multiset_difference(expected, live_rows(bronze.parent, endpoint)) == (0, 0)
