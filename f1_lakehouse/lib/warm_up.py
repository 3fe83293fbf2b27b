"""Work a later step of the run needs, done while an earlier step waits.

A FastF1 step hands its sessions to forked workers (lib/fastf1/parallel.py) and then only
waits: one core sits idle in the run's own process. The OpenF1 steps wait on the network (and,
live, on OpenF1's rate budget: 30 requests a minute). The dbt steps after them start by parsing
the dbt project (~1.2 s); a warm-up registered here for those steps runs on a thread during that
wait instead, so the steps find the work done. A thread, not another process, because what it
makes (dbt's parsed manifest) must end up in the run's process.

Only runs whose plan holds a registering step warm up for it, and the thread starts after the
fork (a thread inside an import while a process forks would leave the child's import lock
held). A warm-up that fails is only logged: the step repeats the work and reports the error.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import dagster as dg

from f1_lakehouse.lib.settings import DataRoot

WarmUp = Callable[[DataRoot], object]
_warm_ups: dict[WarmUp, set[str]] = {}  # each warm-up and the ops (steps) it is for
log = logging.getLogger(__name__)


def register_warm_up(op_name: str, warm_up: WarmUp) -> None:
    """Have `warm_up(root)` run during an earlier step's wait in runs that execute `op_name`;
    one function registered for several ops runs once."""
    _warm_ups.setdefault(warm_up, set()).add(op_name)


def planned_ops(context: dg.AssetExecutionContext) -> set[str]:
    """The ops the run executes: its step keys when it names them, else its job's nodes (an
    asset selection's job holds only the selected assets' ops)."""
    steps = context.run.step_keys_to_execute
    if steps is not None:
        return set(steps)
    return {node.name for node in context.job_def.nodes}


def due_warm_ups(context: dg.AssetExecutionContext) -> list[WarmUp]:
    planned = planned_ops(context)
    return [warm_up for warm_up, ops in _warm_ups.items() if ops & planned]


@contextmanager
def warming_up(context: dg.AssetExecutionContext, root: DataRoot) -> Iterator[None]:
    """Run the warm-ups due for this run on a thread for the duration of the block; the block
    ends only when they have (so none is cut off mid-write when the run's process exits)."""
    due = due_warm_ups(context)
    if not due:
        yield
        return

    def run_all() -> None:
        for warm_up in due:
            try:
                warm_up(root)
            except Exception as exc:  # the step that needs it repeats it and fails clearly
                log.warning(f"warm-up {getattr(warm_up, '__name__', warm_up)} failed: {exc}")

    thread = threading.Thread(target=run_all, name="warm-up", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
