"""Shared fixtures: the replay server over real loopback HTTP, and full materializations.

Full telemetry runs are expensive (1.47 M rows), so the three runs over one data root happen
once per session: a clean run, a re-run through a faulty server, and another clean re-run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from f1_lakehouse.lib.openf1.replay import ReplayServer
from f1_lakehouse_tests.openf1.support import (
    FAULTS,
    Runs,
    bronze_counts,
    fast_resource,
    materialize,
)


@pytest.fixture(scope="session")
def replay_server() -> Iterator[ReplayServer]:
    with ReplayServer() as server:
        yield server


@pytest.fixture(scope="session")
def three_runs(tmp_path_factory: pytest.TempPathFactory, replay_server: ReplayServer) -> Runs:
    """Run 1 clean, run 2 through injected faults, run 3 clean: same root, same partition."""
    root = tmp_path_factory.mktemp("openf1_root")
    results, counts = [], []
    with ReplayServer(faults=FAULTS) as faulty:
        for server in (replay_server, faulty, replay_server):
            results.append(materialize(root, fast_resource(server.base_url)))
            counts.append(bronze_counts(root))
        injected = dict(faulty.faults.injected)
    return Runs(root, results, counts, injected)
