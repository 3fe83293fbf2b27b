"""Turn a season's calendar into session partitions: add new sessions, drop cancelled ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import dagster as dg

from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.session_keys import SessionKey
from f1_lakehouse.lib.settings import seasons


def default_seasons(now: datetime | None = None) -> list[int]:
    """`F1_LAKEHOUSE_SEASONS` (comma-separated) or the current season."""
    return seasons(now)


@dataclass
class PartitionDiff:
    """What a calendar refresh changes in the registered session partitions of one season."""

    added: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def diff_season(season: int, calendar_keys: list[str], registered: list[str]) -> PartitionDiff:
    """New calendar sessions to add; registered sessions of this season the calendar lost
    (cancelled or moved) to drop."""
    wanted = {str(SessionKey.parse(k)) for k in calendar_keys}
    of_season = {k for k in registered if k.startswith(f"{season}-")}
    return PartitionDiff(added=sorted(wanted - set(registered)), dropped=sorted(of_season - wanted))


def apply_diff(instance: dg.DagsterInstance, diff: PartitionDiff) -> None:
    if diff.added:
        instance.add_dynamic_partitions(SESSION_PARTITIONS_NAME, diff.added)
    for key in diff.dropped:
        instance.delete_dynamic_partition(SESSION_PARTITIONS_NAME, key)
