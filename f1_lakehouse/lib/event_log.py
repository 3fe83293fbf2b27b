"""Dagster's SQLite event log, storing a batch of events in one transaction per shard, with one
SQLAlchemy engine per shard.

Why: a 12-session backfill stores ~480 asset events (the planned materialisations of run
creation, then the materialisations of the range run), and the stock SQLite event log opens and
disposes a new SQLAlchemy engine, connection and transaction for each of them, on the run's shard
and again on the index shard (~8 s of the backfill on a loaded 2-core machine). Dagster already
hands those events over in batches when `DAGSTER_EVENT_BATCH_SIZE` is above 0 (the Makefile sets
it), but `SqliteEventLogStorage` inherits `EventLogStorage.store_event_batch`, which stores them
one at a time.

Each batch is written with ONE connection per shard, closed at once: a long-lived connection
would keep SQLite's write-ahead log from being checkpointed into the run's `.db` file, which is
the file the UI's live run log watches (`SqliteEventLogStorageWatchdog`), so the log would stall.

Every event Dagster does not batch (~260 in one session's run: step starts, outputs, logs,
materialisations of one partition) still takes a connection of its own, and the stock storage
also makes a new SQLAlchemy engine for each and disposes of it. `_connect` keeps one engine per
shard instead (an event stored on its own: 3.3 to 3.9 ms stock, 2.0 to 2.4 ms here, 400 log
events on a 2-core EPYC), and remembers which index tables exist (`has_table`, asked ~115 times
in a session's run, a new engine each time). The engine pools nothing (`NullPool`), so each
connection is still opened and closed around its one transaction, exactly as before.

The rows are the ones `SqliteEventLogStorage.store_event` writes, in the same order: the event in
the run's shard, its mirror in the index shard (whose id is the asset record's storage id), the
asset event tags, the asset key row (one insert-or-update per asset and batch, the row the
events one by one would leave), and for planned asset checks their execution row.

Relies on these Dagster internals (checked against dagster 1.13.27; re-check on an upgrade):
`SqliteEventLogStorage.run_connection` / `index_connection` (a connection that has begun a
transaction, under a non-reentrant lock: never nest two) and the `_connect` behind them (with
`_db_lock`, `_initialized_dbs`, `_initdb`, `conn_string_for_shard`), `has_table`,
`SqlEventLogStorage.prepare_insert_event`, `_store_asset_event_tags`, `_get_asset_entry_values` and
`_has_asset_key_index_cols_on_connection` (what `_store_asset_event` writes to `AssetKeyTable`,
done here once per asset of a batch), `store_asset_check_event`, the event type sets
`ASSET_EVENTS` / `ASSET_CHECK_EVENTS` of `dagster._core.events`, and
`SqliteEventLogStorage.from_config_value` (which names its own class, so it is overridden here).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy.exc as db_exc
from dagster._core.events import ASSET_CHECK_EVENTS, ASSET_EVENTS, DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.schema import AssetKeyTable
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlalchemy_compat import db_result
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

# What a batch may hold to be written here; anything else goes through `store_event`.
_BATCHED_TYPES = frozenset(ASSET_EVENTS) | {DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED}


AssetEvents = list[tuple[EventLogEntry, int]]  # each event with its id in the index shard
# Engines kept per storage: the index shard and the runs being written (a long-lived daemon or
# webserver sees many runs; an engine of a run long finished is made again if ever needed).
ENGINES_KEPT = 16


def _batchable(event: EventLogEntry) -> bool:
    return event.is_dagster_event and event.dagster_event_type in _BATCHED_TYPES


class EventLogFolderMissing(RuntimeError):
    """The configured event log lies under a DAGSTER_HOME that no longer exists."""


class BatchedSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` whose `store_event_batch` writes a batch in one transaction per
    shard instead of one engine, connection and commit per event and shard."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        # `f1-lakehouse init` writes an absolute base_dir; a data root mounted elsewhere since
        # (or an unplugged SSD's empty mount point) must not get a new event log on the host.
        home = Path(base_dir).absolute().parents[1]
        if not home.is_dir():
            raise EventLogFolderMissing(
                f"the instance's event log folder {base_dir} is under {home}, which does not "
                "exist: is the data root's volume mounted? If the root moved, run "
                "`f1-lakehouse init` again to point the instance at it"
            )
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._tables_seen: set[str] = set()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(  # ty: ignore[invalid-method-override]
        cls, inst_data: ConfigurableClassData | None, config_value: Any
    ) -> BatchedSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        """Dagster's `_connect` (a connection in a transaction, under the storage's lock), with
        the shard's engine made once instead of on every call."""
        with self._db_lock:
            engine = self._engines.get(shard)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard),
                    poolclass=NullPool,
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
                )
                self._engines[shard] = engine
                while len(self._engines) > ENGINES_KEPT:
                    self._engines.popitem(last=False)[1].dispose()
            else:
                self._engines.move_to_end(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        """Dagster asks before it stores each asset event's tags and each check's execution row,
        with a new engine and query every time; a table, once there, stays (migrations only add
        tables), so a yes is remembered. (Not through `_connect`: Dagster asks while it holds
        that lock.)"""
        if table_name in self._tables_seen:
            return True
        found = super().has_table(table_name)
        if found:
            self._tables_seen.add(table_name)
        return found

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        run_ids = {event.run_id for event in events}
        if len(run_ids) != 1 or not all(_batchable(event) for event in events):
            super().store_event_batch(events)  # one at a time, as Dagster does
            return
        statements = [self.prepare_insert_event(event) for event in events]
        with self.run_connection(run_ids.pop()) as conn:
            for statement in statements:
                conn.execute(statement)

        asset_events: AssetEvents = []
        check_events: list[tuple[EventLogEntry, int]] = []
        with self.index_transaction() as conn:
            for event, statement in zip(events, statements, strict=True):
                with db_result(conn, statement) as result:
                    event_id = result.inserted_primary_key[0]
                if event_id is None:
                    raise RuntimeError(
                        f"the index shard gave no id to a {event.dagster_event_type} event of "
                        f"run {event.run_id}: nothing of this batch is indexed"
                    )
                if event.dagster_event_type in ASSET_CHECK_EVENTS:
                    check_events.append((event, event_id))
                else:
                    asset_events.append((event, event_id))
            if asset_events:
                self._store_asset_event_tags(
                    conn, [event for event, _ in asset_events], [i for _, i in asset_events]
                )
                self._store_asset_rows(conn, asset_events)
        # Opens its own index connection: after the one above is closed (the lock is not reentrant).
        for event, event_id in check_events:
            self.store_asset_check_event(event, event_id)

    def _store_asset_rows(self, conn: Connection, asset_events: AssetEvents) -> None:
        """The asset key rows `_store_asset_event` leaves after the batch's events one by one,
        with one insert-or-update per asset: each of its updates sets columns to constants, so
        applying a key's values merged in order (later ones win) leaves the same row."""
        has_index_cols = self._has_asset_key_index_cols_on_connection(conn)
        merged: dict[str, dict[str, Any]] = {}
        for event, event_id in asset_events:
            asset_key = event.dagster_event.asset_key if event.dagster_event else None
            if asset_key is None:
                continue
            values = self._get_asset_entry_values(event, event_id, has_index_cols)
            if values:
                merged.setdefault(asset_key.to_string(), {}).update(values)
        for asset_key, values in merged.items():
            try:
                conn.execute(AssetKeyTable.insert().values(asset_key=asset_key, **values))
            except db_exc.IntegrityError:
                conn.execute(
                    AssetKeyTable.update()
                    .values(**values)
                    .where(AssetKeyTable.c.asset_key == asset_key)
                )
