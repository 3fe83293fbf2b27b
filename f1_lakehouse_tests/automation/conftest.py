"""Fixtures for the automation tests: a data root holding the real (recorded) 2023 calendar,
a temporary instance with its sessions registered, and a scriptable availability probe."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from f1_lakehouse.lib.automation.race_weekend import Availability, CalendarSession, calendar_path
from f1_lakehouse.lib.bronze import write_partition
from f1_lakehouse.lib.fastf1 import source as fastf1_source
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.session_keys import SeasonKey
from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse_tests.conftest import make_root

CALENDAR_SEASONS = (2023,)
NOT_YET = Availability(False, "no data yet")


@pytest.fixture(scope="session")
def calendar_root(tmp_path_factory: pytest.TempPathFactory) -> DataRoot:
    """A data root with the recorded 2023 calendar landed the way the calendar asset lands it."""
    root = make_root(tmp_path_factory.mktemp("automation") / "root")
    fastf1_source.configure("replay", root)
    for season in CALENDAR_SEASONS:
        sessions = fastf1_source.schedule_sessions(season, fastf1_source.event_schedule(season))
        table = pa.Table.from_pandas(sessions, preserve_index=False)
        write_partition(root.bronze, "fastf1", "calendar", SeasonKey(season), table)
    return root


def calendar_keys(root: DataRoot, season: int = 2023) -> list[str]:
    return pq.read_table(calendar_path(root.bronze, season))["partition_key"].to_pylist()


@pytest.fixture
def instance(calendar_root: DataRoot) -> Iterator[dg.DagsterInstance]:
    """A temporary instance with every 2023 session registered as a partition."""
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(SESSION_PARTITIONS_NAME, calendar_keys(calendar_root))
        yield instance


@pytest.fixture(autouse=True)
def _default_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Defaults for delay and give-up unless a test sets them; no frozen clock leaks in."""
    for name in (
        "F1_LAKEHOUSE_NOW",
        "F1_LAKEHOUSE_PUBLISH_DELAY_MINUTES",
        "F1_LAKEHOUSE_GIVE_UP_HOURS",
    ):
        monkeypatch.delenv(name, raising=False)


@dataclass
class FakeProbe:
    """Answers from a table (session key, source) → ready; records every question."""

    ready: dict[tuple[str, str], Availability] = field(default_factory=dict)
    default: Availability = NOT_YET
    calls: list[tuple[str, str]] = field(default_factory=list)

    def publish(self, key: str, *sources: str) -> None:
        for source in sources:
            self.ready[(key, source)] = Availability(True)

    def __call__(self, session: CalendarSession, source: str) -> Availability:
        self.calls.append((str(session.key), source))
        return self.ready.get((str(session.key), source), self.default)

    def factory(self, root: DataRoot):  # type: ignore[no-untyped-def]
        return nullcontext(self)


def resources(root: DataRoot) -> dict[str, object]:
    return {"data_root": DataRootResource(path=str(root.path))}
