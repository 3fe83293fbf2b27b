"""Schedules: the daily calendar sync and the post-weekend corrections re-run."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

from f1_lakehouse.defs.automation.jobs import (
    TAG_PREFIX,
    calendar_run_config,
    calendar_sync_job,
    session_asset_keys,
    session_job,
)
from f1_lakehouse.defs.automation.sensors import ProbeFactory, default_probe
from f1_lakehouse.lib import clock
from f1_lakehouse.lib.automation.race_weekend import (
    AutomationSettings,
    expected_sources,
    load_calendar,
    seasons_around,
    weekends_to_correct,
)
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.settings import automation_enabled

CALENDAR_CRON = "0 5 * * *"  # daily, 05:00 UTC
CORRECTIONS_CRON = "0 9 * * 1,4"  # Monday and Thursday, 09:00 UTC
# Monday re-runs the weekend just finished, Thursday the same weekend again; a Monday eight days
# later (no race that weekend) re-runs nothing.
CORRECTIONS_WINDOW = timedelta(days=6)


def default_schedule_status() -> dg.DefaultScheduleStatus:
    return (
        dg.DefaultScheduleStatus.RUNNING
        if automation_enabled()
        else dg.DefaultScheduleStatus.STOPPED
    )


@dg.schedule(
    job=calendar_sync_job,
    cron_schedule=CALENDAR_CRON,
    execution_timezone="UTC",
    default_status=default_schedule_status(),
    description="Refresh the current season's calendar; new sessions become partitions, "
    "cancelled ones are dropped (and so never scheduled).",
)
def calendar_sync_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    now = clock.now(context.scheduled_execution_time)
    return dg.RunRequest(
        run_key=f"calendar:{now:%Y-%m-%d}",
        run_config=calendar_run_config([now.year]),
        tags={f"{TAG_PREFIX}/trigger": "calendar_sync"},
    )


def build_corrections_schedule(
    probe_factory: ProbeFactory = default_probe, name: str = "corrections_schedule"
) -> dg.ScheduleDefinition:
    """Re-materialise the last race weekend's sessions so upstream fixes arrive."""

    @dg.schedule(
        name=name,
        job=session_job,
        cron_schedule=CORRECTIONS_CRON,
        execution_timezone="UTC",
        default_status=default_schedule_status(),
        description="Monday and Thursday: re-run every session of the race weekend that just "
        "finished, from the sources that have it (run key KEY:correction:DATE).",
    )
    def _schedule(context: dg.ScheduleEvaluationContext, data_root: DataRootResource):  # type: ignore[no-untyped-def]
        settings = AutomationSettings.from_env()
        now = clock.now(context.scheduled_execution_time)
        root = data_root.root()
        sessions, _ = load_calendar(root.bronze, seasons_around(now, settings))
        registered = context.instance.get_dynamic_partitions(SESSION_PARTITIONS_NAME)
        chosen = weekends_to_correct(sessions, registered, now, settings, CORRECTIONS_WINDOW)
        if not chosen:
            return dg.SkipReason(
                f"no race weekend finished in the {CORRECTIONS_WINDOW.days} days before {now:%Y-%m-%d %H:%M}Z"
            )
        requests: list[dg.RunRequest] = []
        missing: list[str] = []
        with probe_factory(root) as probe:
            for session in chosen:
                answers = {s: probe(session, s) for s in expected_sources(session.key)}
                sources = tuple(s for s, a in answers.items() if a.ready)
                missing += [
                    f"{session.key} {s}: {a.reason}" for s, a in answers.items() if not a.ready
                ]
                if not sources:
                    continue
                requests.append(
                    dg.RunRequest(
                        run_key=f"{session.key}:correction:{now:%Y-%m-%d}",
                        partition_key=str(session.key),
                        asset_selection=session_asset_keys(sources),
                        tags={
                            f"{TAG_PREFIX}/trigger": "corrections",
                            f"{TAG_PREFIX}/sources": ",".join(sources),
                        },
                    )
                )
        for line in missing:
            context.log.info(f"not re-run: {line}")
        if not requests:
            return dg.SkipReason("no source has the weekend's sessions: " + "; ".join(missing))
        return requests

    return _schedule


corrections_schedule = build_corrections_schedule()
