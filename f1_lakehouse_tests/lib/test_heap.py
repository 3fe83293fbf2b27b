"""Objects that live as long as the process are kept out of the garbage collector's walks."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import weakref

from f1_lakehouse.lib.heap import long_lived


class Node:
    """A weak-referenceable object to build reference cycles with."""

    other: Node | None = None


def test_no_collection_inside_and_what_is_alive_after_is_frozen() -> None:
    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()
    with long_lived():
        assert not gc.isenabled()
        with long_lived():  # nested (the warm-up thread parsing while the main thread loads)
            kept = [Node() for _ in range(1000)]
        assert not gc.isenabled()  # still paused: the outer block runs on
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen_before + len(kept)


def test_collect_first_keeps_none_of_the_blocks_garbage() -> None:
    with long_lived(collect=True):
        cycle = Node()
        cycle.other = cycle
        probe = weakref.ref(cycle)
        del cycle
    assert probe() is None  # collected, not frozen


def _exit_output(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_frozen_objects_are_handed_back_at_exit_so_duckdb_reports_no_leak() -> None:
    frozen_for_good = _exit_output(
        """
        import gc, duckdb
        duckdb.connect().execute("select 1").fetchall()
        gc.freeze()
        """
    )
    assert "nanobind: leaked" in frozen_for_good  # what an exit with objects still frozen prints
    assert "nanobind: leaked" not in _exit_output(
        """
        import duckdb
        from f1_lakehouse.lib.heap import long_lived
        with long_lived():
            duckdb.connect().execute("select 1").fetchall()
        """
    )
