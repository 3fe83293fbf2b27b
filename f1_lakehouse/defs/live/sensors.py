"""The live sensor: follows the session on track, poll after poll, then compacts it."""

from __future__ import annotations

import dagster as dg

from f1_lakehouse.defs.live.jobs import LIVE_PARTITION_TAG, live_session_job
from f1_lakehouse.defs.openf1.live import LIVE_TAG, SOURCE
from f1_lakehouse.lib import clock
from f1_lakehouse.lib.automation.race_weekend import (
    AutomationSettings,
    load_calendar,
    seasons_around,
)
from f1_lakehouse.lib.bronze import LIVE_BATCH_GLOB, partition_dir
from f1_lakehouse.lib.live.endpoints import STREAMED
from f1_lakehouse.lib.live.schedule import live_requests
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.session_keys import SessionKey
from f1_lakehouse.lib.settings import DataRoot, live_following_enabled, live_poll_seconds

IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def live_runs_in_flight(instance: dg.DagsterInstance) -> set[str]:
    """Partitions with a live run queued or going."""
    runs = instance.get_runs(
        dg.RunsFilter(statuses=IN_FLIGHT, tags={LIVE_TAG: ["poll", "compact"]})
    )
    return {run.tags[LIVE_PARTITION_TAG] for run in runs if LIVE_PARTITION_TAG in run.tags}


def holds_batches(root: DataRoot, key: str) -> bool:
    """Whether a partition still has live micro-batches (it has not been compacted)."""
    session = SessionKey.parse(key)
    return any(
        any(partition_dir(root.bronze, SOURCE, endpoint, session).glob(LIVE_BATCH_GLOB))
        for endpoint in STREAMED
    )


@dg.sensor(
    name="live_session_sensor",
    job=live_session_job,
    minimum_interval_seconds=live_poll_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING
    if live_following_enabled()
    else dg.DefaultSensorStatus.STOPPED,
    description="While a session runs (calendar start - 10 min to its end), a live run every "
    "few seconds, never two of one partition; after the end, one compaction.",
)
def live_session_sensor(
    context: dg.SensorEvaluationContext, data_root: DataRootResource
) -> dg.SensorResult:
    root = data_root.root()
    now = clock.now()
    sessions, _ = load_calendar(root.bronze, seasons_around(now, AutomationSettings()))
    requests, waiting = live_requests(
        sessions, now, live_runs_in_flight(context.instance), lambda k: holds_batches(root, k)
    )
    runs = [
        dg.RunRequest(
            partition_key=r.key,
            tags={LIVE_TAG: r.mode, LIVE_PARTITION_TAG: r.key},
        )
        for r in requests
    ]
    if not runs:
        return dg.SensorResult(skip_reason="; ".join(waiting) or "no session is live")
    return dg.SensorResult(run_requests=runs)
