"""The batched SQLite event log stores what Dagster's own stores, and the live run log still sees
a running run's events.

The events come from real Dagster runs of small assets shaped like the lakehouse's (a dynamic
partition range run with single-run backfill policies, a partitioned asset check, an
unpartitioned asset downstream); no F1 data is involved."""

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.events import BATCH_WRITABLE_EVENTS, DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.base import EventRecordsFilter
from dagster._core.storage.event_log.sqlite import sqlite_event_log

from f1_lakehouse.defs.automation.backfill import RANGE_END_TAG, RANGE_START_TAG
from f1_lakehouse.lib import event_log
from f1_lakehouse.lib.event_log import BatchedSqliteEventLogStorage, EventLogFolderMissing
from f1_lakehouse.lib.root_setup import init_root
from f1_lakehouse.lib.settings import DataRoot

SESSIONS = dg.DynamicPartitionsDefinition(name="sessions")
KEYS = ["2018-04-R", "2023-04-Q", "2023-04-S"]


@dg.asset(partitions_def=SESSIONS, backfill_policy=dg.BackfillPolicy.single_run())
def laps(context: dg.AssetExecutionContext) -> None:
    context.log.info(f"{len(context.partition_keys)} sessions")


@dg.asset(partitions_def=SESSIONS, backfill_policy=dg.BackfillPolicy.single_run(), deps=[laps])
def results(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"sessions": len(context.partition_keys)})


@dg.asset_check(asset=results, partitions_def=SESSIONS)
def results_rows(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


@dg.asset(deps=[results])
def standings() -> None:
    """Unpartitioned, as gold is."""


ASSETS = [laps, results, standings]
ASSET_KEYS = [dg.AssetKey(name) for name in ("laps", "results", "standings")]


def _batched_overrides(home: Path) -> dict:
    return {
        "event_log_storage": {
            "module": event_log.__name__,
            "class": BatchedSqliteEventLogStorage.__name__,
            "config": {"base_dir": str(home / "history" / "runs")},
        }
    }


def _instance(home: Path, batched: bool) -> dg.DagsterInstance:
    home.mkdir(parents=True, exist_ok=True)
    return dg.instance_for_test(
        temp_dir=str(home), overrides=_batched_overrides(home) if batched else None
    )


def _backfill(instance: dg.DagsterInstance) -> list[str]:
    """The range run of `make backfill`, then the unpartitioned run: their run ids."""
    instance.add_dynamic_partitions(SESSIONS.name, KEYS)
    range_run = dg.materialize(
        [*ASSETS, results_rows],
        selection=[laps, results],
        instance=instance,
        tags={RANGE_START_TAG: KEYS[0], RANGE_END_TAG: KEYS[-1]},
    )
    then = dg.materialize(ASSETS, selection=[standings], instance=instance)
    return [range_run.run_id, then.run_id]


def _replay(storage: SqliteEventLogStorage, entries: Sequence[EventLogEntry], batched: bool):
    """Store a run's events again: one at a time, or runs of batch-writable events as batches."""
    pending: list[EventLogEntry] = []
    for entry in [*entries, None]:
        if entry is not None and batched and entry.dagster_event_type in BATCH_WRITABLE_EVENTS:
            pending.append(entry)
            continue
        if pending:
            storage.store_event_batch(pending)
            pending = []
        if entry is not None:
            storage.store_event(entry)


def _answers(instance: dg.DagsterInstance, run_ids: Sequence[str]) -> dict:
    """What the instance says about the assets and runs, in comparable form."""
    storage = instance.event_log_storage
    check_key = dg.AssetCheckKey(dg.AssetKey("results"), "results_rows")
    answers: dict = {
        "asset keys": sorted(k.to_string() for k in storage.get_asset_keys()),
        "latest": storage.get_latest_materialization_events(ASSET_KEYS),
        "checks": [
            (r.id, r.run_id, r.status, r.partition, r.event)
            for r in storage.get_asset_check_execution_history(check_key, limit=50)
        ],
    }
    for run_id in run_ids:
        answers[f"run {run_id}"] = [
            (r.storage_id, r.event_log_entry) for r in storage.get_records_for_run(run_id).records
        ]
    for key in ASSET_KEYS:
        name = key.to_user_string()
        answers[f"{name} partitions"] = storage.get_materialized_partitions(key)
        for kind in (
            DagsterEventType.ASSET_MATERIALIZATION,
            DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
        ):
            records = storage.get_event_records(EventRecordsFilter(kind, asset_key=key))
            answers[f"{name} {kind.value}"] = [(r.storage_id, r.event_log_entry) for r in records]
            answers[f"{name} {kind.value} by partition"] = (
                storage.get_latest_storage_id_by_partition(key, kind)
            )
        answers[f"{name} tags"] = storage.get_latest_tags_by_partition(
            key, DagsterEventType.ASSET_MATERIALIZATION, ["dagster/data_version"]
        )
        answers[f"{name} planned"] = storage.get_latest_planned_materialization_info(key)
        (record,) = storage.get_asset_records([key])
        entry = record.asset_entry
        answers[f"{name} record"] = (
            entry.last_materialization_record,
            entry.last_run_id,
            entry.last_planned_materialization_storage_id,
        )
    return answers


@pytest.fixture
def batching(monkeypatch) -> Iterator[list[int]]:
    """Dagster hands events over in batches (as under the Makefile); the sizes it stored."""
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", "1000")
    sizes: list[int] = []
    original = BatchedSqliteEventLogStorage.store_event_batch

    def spy(self, events):
        sizes.append(len(events))
        return original(self, events)

    monkeypatch.setattr(BatchedSqliteEventLogStorage, "store_event_batch", spy)
    yield sizes


def test_a_batch_stores_what_one_event_at_a_time_stores(tmp_path, batching):
    with _instance(tmp_path / "live", batched=True) as live:
        assert isinstance(live.event_log_storage, BatchedSqliteEventLogStorage)
        run_ids = _backfill(live)
        entries = {r: list(live.all_logs(r)) for r in run_ids}
        live_answers = _answers(live, run_ids)
    # The range run's planned events (2 assets x 3 sessions + the check) came as one batch.
    assert max(batching) >= 7
    assert live_answers["results partitions"] == set(KEYS)
    assert live_answers["standings partitions"] == set()  # unpartitioned
    assert live_answers["results tags"].keys() == set(KEYS)

    replayed = {}
    for name, batched in (("one by one", False), ("batched", True)):
        with _instance(tmp_path / name, batched=batched) as instance:
            assert isinstance(instance.event_log_storage, BatchedSqliteEventLogStorage) == batched
            for run_id in run_ids:
                _replay(instance.event_log_storage, entries[run_id], batched)
            replayed[name] = _answers(instance, run_ids)
    one_by_one, batched = replayed["one by one"], replayed["batched"]
    assert batched.keys() == one_by_one.keys()
    for question, answer in one_by_one.items():
        assert batched[question] == answer, question
    assert {partition for _, _, _, partition, _ in batched["checks"]} >= set(KEYS)
    assert len(batched["results ASSET_MATERIALIZATION"]) == len(KEYS)  # it compared something
    # The live run stored the same events with the same answers (its storage ids too).
    assert one_by_one["results partitions"] == live_answers["results partitions"]
    assert one_by_one[f"run {run_ids[0]}"] == live_answers[f"run {run_ids[0]}"]


def test_a_second_instance_sees_a_running_runs_batches(tmp_path, batching):
    """What the UI's live run log does: watch the run's shard from another instance. The run
    waits, mid-way, until the watcher has seen the batch of `laps` materialisations."""
    seen = threading.Event()
    received: list[EventLogEntry] = []

    def on_event(entry: EventLogEntry, _cursor: str) -> None:
        received.append(entry)
        done = [
            e
            for e in received
            if e.dagster_event_type == DagsterEventType.ASSET_MATERIALIZATION
            and e.dagster_event.asset_key == dg.AssetKey("laps")
        ]
        if len(done) == len(KEYS):
            seen.set()

    @dg.asset(partitions_def=SESSIONS, backfill_policy=dg.BackfillPolicy.single_run(), deps=[laps])
    def waits_for_the_watcher() -> None:
        assert seen.wait(timeout=60), "the watcher saw no materialisation of the running run"

    home = tmp_path / "home"
    with _instance(home, batched=True) as runner:
        runner.add_dynamic_partitions(SESSIONS.name, KEYS)
        watcher = dg.DagsterInstance.from_ref(runner.get_ref())
        run_id = "c0ffee00-0000-4000-8000-000000000001"
        watcher.event_log_storage.watch(run_id, None, on_event)
        try:
            job = dg.define_asset_job("watched", selection=[laps, waits_for_the_watcher])
            defs = dg.Definitions(assets=[laps, waits_for_the_watcher], jobs=[job])
            result = defs.get_job_def("watched").execute_in_process(
                instance=runner,
                run_id=run_id,
                tags={RANGE_START_TAG: KEYS[0], RANGE_END_TAG: KEYS[-1]},
            )
        finally:
            watcher.event_log_storage.end_watch(run_id, on_event)
            watcher.dispose()
    assert result.success
    assert seen.is_set()
    assert max(batching) >= len(KEYS)  # the events the watcher saw were written as batches


def test_init_configures_it_and_follows_a_moved_root(tmp_path):
    root = DataRoot(tmp_path / "ssd")
    init_root(root, require_mount=False)
    config = root.dagster_home / "dagster.yaml"
    with dg.DagsterInstance.from_config(str(root.dagster_home)) as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, BatchedSqliteEventLogStorage)
        assert Path(storage._base_dir) == (root.dagster_home / "history" / "runs").resolve()
    first = config.read_text()
    init_root(root, require_mount=False)
    assert config.read_text() == first  # a second init changes nothing

    moved = DataRoot(tmp_path / "ssd-elsewhere")
    (tmp_path / "ssd").rename(moved.path)
    with pytest.raises(EventLogFolderMissing, match="f1-lakehouse init"):
        dg.DagsterInstance.from_config(str(moved.dagster_home)).event_log_storage  # noqa: B018
    findings = init_root(moved, require_mount=False)
    assert any("batched event log storage" in f for f in findings)
    assert str(moved.dagster_home.resolve()) in (moved.dagster_home / "dagster.yaml").read_text()
    assert not (tmp_path / "ssd").exists()  # nothing was recreated at the old path


def test_init_leaves_a_storage_the_user_chose(tmp_path):
    root = DataRoot(tmp_path / "root")
    root.dagster_home.mkdir(parents=True)
    chosen = "storage:\n  sqlite:\n    base_dir: /somewhere/else\n"
    (root.dagster_home / "dagster.yaml").write_text(chosen)
    init_root(root, require_mount=False)
    assert (root.dagster_home / "dagster.yaml").read_text() == chosen


def test_events_share_one_engine_per_shard_and_no_connection_stays_open(tmp_path, monkeypatch):
    """Dagster's storage makes and disposes of an engine per event; here a shard keeps one, but
    every connection is still closed after its event: the write-ahead log is then checkpointed
    into the run's `.db` file (gone as a separate file), which the UI's live run log watches."""
    made: list[str] = []
    original = event_log.create_engine

    def counting(url, **kwargs):  # type: ignore[no-untyped-def]
        made.append(str(url))
        return original(url, **kwargs)

    monkeypatch.setattr(event_log, "create_engine", counting)
    monkeypatch.setattr(sqlite_event_log, "create_engine", counting)  # Dagster's own _connect
    storage = BatchedSqliteEventLogStorage(str(tmp_path / "history" / "runs"))
    runs = [f"c0ffee00-0000-4000-8000-{n:012d}" for n in range(event_log.ENGINES_KEPT + 2)]
    for run_id in runs:
        for n in range(5):
            storage.store_event(
                EventLogEntry(None, level=20, user_message=f"{n}", run_id=run_id, timestamp=0.0)
            )
        assert not Path(storage.path_for_shard(run_id) + "-wal").exists()
    run_shards = [url for url in made if not url.endswith("index.db")]
    assert len(run_shards) == len(runs)  # one engine per run shard, not one per event
    assert [len(storage.get_logs_for_run(run_id)) for run_id in runs] == [5] * len(runs)
    assert len(storage._engines) == event_log.ENGINES_KEPT  # the oldest runs' engines dropped
    storage.store_event(
        EventLogEntry(None, level=20, user_message="late", run_id=runs[0], timestamp=0.0)
    )
    assert len(storage.get_logs_for_run(runs[0])) == 6  # a dropped run's engine is made again
    storage.dispose()
    assert not storage._engines


def test_a_table_found_is_remembered_and_a_missing_one_asked_again(tmp_path, monkeypatch):
    asked: list[str] = []
    original = SqliteEventLogStorage.has_table

    def spy(self, table_name):  # type: ignore[no-untyped-def]
        asked.append(table_name)
        return original(self, table_name)

    monkeypatch.setattr(SqliteEventLogStorage, "has_table", spy)
    storage = BatchedSqliteEventLogStorage(str(tmp_path / "history" / "runs"))
    asked.clear()
    assert storage.has_table("asset_event_tags") and storage.has_table("asset_event_tags")
    assert not storage.has_table("no_such_table") and not storage.has_table("no_such_table")
    assert asked == ["asset_event_tags", "no_such_table", "no_such_table"]
