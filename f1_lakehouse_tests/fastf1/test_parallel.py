"""Sessions loaded in worker processes land exactly what loading them in the step does."""

import errno
import gc

import dagster as dg
import pytest

from f1_lakehouse.lib.fastf1 import source as fastf1_source
from f1_lakehouse.lib.fastf1.parallel import loaded_sessions, worker_count
from f1_lakehouse.lib.session_keys import SessionKey

KEYS = [SessionKey.parse(k) for k in ("2023-04-SQ", "2022-10-FP1", "2024-05-SQ")]


def test_only_replayed_sessions_go_to_workers_and_only_with_a_second_core():
    assert worker_count("replay", 12, 2) == 2
    assert worker_count("replay", 3, 8) == 3
    assert worker_count("replay", 1, 4) == 1  # the step's process warms up meanwhile
    assert worker_count("replay", 12, 1) == 0
    assert worker_count("replay", 1, 1) == 0
    assert worker_count("live", 12, 4) == 0  # FastF1's request budgets are per process


def test_workers_return_the_tables_the_step_would_extract(data_root):
    with loaded_sessions(KEYS, "replay", data_root, False, 0) as sessions:
        here = {str(key): loaded()[0] for key, loaded in sessions}
    with loaded_sessions(KEYS, "replay", data_root, False, 2) as sessions:
        order, there = [], {}
        for key, loaded in sessions:
            order.append(str(key))
            there[str(key)] = loaded()[0]
    assert order == [str(k) for k in KEYS]  # landed in key order, whichever finished first
    assert set(here) == set(there)
    for key, tables in here.items():
        assert tables.keys() == there[key].keys()
        for name, extracted in tables.items():
            assert there[key][name].missing == extracted.missing, (key, name)
            assert there[key][name].table.equals(extracted.table), (key, name)
    assert here["2023-04-SQ"]["laps"].table.num_rows == 233


def test_one_session_in_one_worker_lands_what_the_step_would(data_root):
    key = [SessionKey.parse("2023-04-SQ")]
    with loaded_sessions(key, "replay", data_root, False, 0) as sessions:
        ((_, here),) = sessions
        here_tables = here()[0]
    with loaded_sessions(key, "replay", data_root, False, 1) as sessions:
        ((_, there),) = sessions
        there_tables = there()[0]
    assert there_tables.keys() == here_tables.keys()
    assert all(there_tables[n].table.equals(t.table) for n, t in here_tables.items())


def test_a_worker_error_reaches_the_step_as_itself(data_root):
    keys = [SessionKey.parse("2023-04-SQ"), SessionKey.parse("2018-04-S")]
    with loaded_sessions(keys, "replay", data_root, False, 2) as sessions:
        (_, first), (_, second) = sessions
        assert first()[0]["laps"].table.num_rows == 233
        with pytest.raises(fastf1_source.SessionNotInSchedule, match="2018-04-S is not in"):
            second()


def disk_full(session: object) -> dict:
    raise OSError(errno.ENOSPC, "No space left on device", "/media/ssd/lakehouse/cache")


def test_a_local_fault_in_a_worker_fails_the_step_at_once(data_root):
    keys = [SessionKey.parse("2023-04-SQ")]
    with loaded_sessions(keys, "replay", data_root, False, 1, disk_full) as sessions:
        ((_, loaded),) = sessions
        with pytest.raises(dg.Failure, match="No space left") as failure:
            loaded()
    assert failure.value.allow_retries is False  # as in the step: retrying cannot free the disk


def _frozen_objects(session):  # type: ignore[no-untyped-def]
    """An `extract` that reports what the worker froze instead of tables."""
    return {"frozen": gc.get_freeze_count()}


def test_a_worker_keeps_the_objects_it_inherited_out_of_its_collections(data_root):
    key = [SessionKey.parse("2023-04-SQ")]
    with loaded_sessions(key, "replay", data_root, False, 1, _frozen_objects) as sessions:
        ((_, loaded),) = sessions
        tables, _ = loaded()
    # Everything the step's process held at the fork (this test process: pytest, Dagster), not
    # only what it had frozen itself (lib/heap.py), is frozen in the worker.
    assert tables["frozen"] > max(10_000, gc.get_freeze_count())
