"""Sensors that keep the lakehouse current: sessions land when published, gold follows silver."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import dagster as dg

from f1_lakehouse.defs.automation.jobs import (
    GOLD_KEYS,
    SILVER_KEYS,
    TAG_PREFIX,
    gold_refresh_job,
    session_asset_keys,
    session_job,
)
from f1_lakehouse.lib import clock
from f1_lakehouse.lib.automation.availability import source_probe
from f1_lakehouse.lib.automation.race_weekend import (
    AutomationSettings,
    Probe,
    WeekendCursor,
    evaluate,
    load_calendar,
    seasons_around,
)
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.settings import (
    DataRoot,
    automation_enabled,
    sensor_interval_seconds,
    source_mode,
)

ProbeFactory = Callable[[DataRoot], AbstractContextManager[Probe]]


def default_sensor_status() -> dg.DefaultSensorStatus:
    return (
        dg.DefaultSensorStatus.RUNNING if automation_enabled() else dg.DefaultSensorStatus.STOPPED
    )


def default_probe(root: DataRoot) -> AbstractContextManager[Probe]:
    return source_probe(source_mode(), root)


def build_race_weekend_sensor(
    probe_factory: ProbeFactory = default_probe, name: str = "race_weekend_sensor"
) -> dg.SensorDefinition:
    """The race-weekend sensor; tests pass a fake probe."""

    @dg.sensor(
        name=name,
        job=session_job,
        minimum_interval_seconds=sensor_interval_seconds(),
        default_status=default_sensor_status(),
        description="From the calendar: once a session has ended plus the publish delay, probe "
        "FastF1/OpenF1 and request the session's run (run key KEY:initial) when they have "
        "published; retry on later ticks until the give-up time.",
    )
    def _sensor(
        context: dg.SensorEvaluationContext, data_root: DataRootResource
    ) -> dg.SensorResult:
        settings = AutomationSettings.from_env()
        now = clock.now()
        root = data_root.root()
        sessions, missing = load_calendar(root.bronze, seasons_around(now, settings))
        registered = context.instance.get_dynamic_partitions(SESSION_PARTITIONS_NAME)
        with probe_factory(root) as probe:
            result = evaluate(
                sessions, registered, now, settings, WeekendCursor.from_json(context.cursor), probe
            )
        notes = list(result.notes)
        if now.year in missing:
            notes.append(f"no {now.year} calendar yet: run calendar_sync_job")
        for note in notes:
            context.log.info(note)
        cursor = result.cursor.to_json()
        if not result.runs:
            return dg.SensorResult(skip_reason="; ".join(notes), cursor=cursor)
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(
                    run_key=run.run_key,
                    partition_key=run.key,
                    asset_selection=session_asset_keys(run.sources),
                    tags={
                        f"{TAG_PREFIX}/trigger": "race_weekend",
                        f"{TAG_PREFIX}/sources": ",".join(run.sources),
                    },
                )
                for run in result.runs
            ],
            cursor=cursor,
        )

    return _sensor


race_weekend_sensor = build_race_weekend_sensor()


def _latest_record(instance: dg.DagsterInstance, keys: tuple[dg.AssetKey, ...]):  # type: ignore[no-untyped-def]
    """Per asset key, its latest materialisation record (None if never materialised)."""
    return {
        key: next(iter(instance.fetch_materializations(key, limit=1).records), None) for key in keys
    }


def _step_failed(instance: dg.DagsterInstance, record) -> bool:  # type: ignore[no-untyped-def]
    """Whether the step that reported this materialisation failed (write-audit-publish rolls a
    failed dbt step back, whatever it reported on the way)."""
    step_key = record.event_log_entry.step_key
    failures = instance.get_records_for_run(
        record.run_id, of_type=dg.DagsterEventType.STEP_FAILURE
    ).records
    return any(f.event_log_entry.step_key == step_key for f in failures)


@dg.sensor(
    job=gold_refresh_job,
    minimum_interval_seconds=30,
    default_status=default_sensor_status(),
    description="Refresh gold when silver has landed since gold was last built (by any run: "
    "sensor, schedule, backfill, by hand), once the run that wrote silver has finished, and "
    "only if silver's step succeeded.",
)
def gold_after_silver_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    silver = [r for r in _latest_record(context.instance, SILVER_KEYS).values() if r is not None]
    if not silver:
        return dg.SensorResult(skip_reason="no silver materialisation yet")
    newest = max(silver, key=lambda r: r.storage_id)
    gold = _latest_record(context.instance, GOLD_KEYS).values()
    oldest_gold = min((r.storage_id if r else 0) for r in gold)
    if oldest_gold > newest.storage_id:
        return dg.SensorResult(skip_reason="gold is newer than the latest silver")
    run = context.instance.get_run_by_id(newest.run_id)
    if run is not None and not run.is_finished:
        return dg.SensorResult(
            skip_reason=f"silver landed in run {newest.run_id}, still {run.status.value}: "
            "gold waits for it to finish"
        )
    if run is not None and _step_failed(context.instance, newest):
        return dg.SensorResult(
            skip_reason=f"silver's step failed in run {newest.run_id}: gold is not refreshed "
            "from it (its changes were rolled back)"
        )
    cursor = str(newest.storage_id)
    if context.cursor == cursor:
        return dg.SensorResult(skip_reason=f"gold refresh after silver event {cursor} requested")
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"gold-after-silver:{cursor}",
                tags={
                    f"{TAG_PREFIX}/trigger": "silver_landed",
                    f"{TAG_PREFIX}/silver_run": newest.run_id,
                },
            )
        ],
        cursor=cursor,
    )
