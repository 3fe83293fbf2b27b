"""The garbage collector kept off objects that live as long as the process.

Loading the definitions (Dagster, dagster-dbt, dbt-core: ~300,000 objects) and dbt's parse of
the project make objects that stay until the process exits, and CPython's full collections walk
every tracked object each time: 8 of them cost a session's run 1.65 s on a 2-core EPYC, most
while those very objects were being made. `long_lived` pauses collections while a block makes
them and then moves what exists into the permanent generation (`gc.freeze`), which collections
skip: the recipe Python's `gc` documentation gives for forked workers, which use it too
(lib/fastf1/parallel.py). Objects made later are collected as before.

At exit the frozen objects are handed back (`gc.unfreeze`), so the interpreter's last
collection still finalises them: DuckDB's bindings (nanobind) report every object of theirs
left alive at shutdown as a leak.
"""

from __future__ import annotations

import atexit
import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # blocks under way: the warm-up thread may parse dbt while the main thread works
_enabled_outside = True
_unfreeze_registered = False


@contextmanager
def long_lived(collect: bool = False) -> Iterator[None]:
    """No collections while the block runs; then every object alive is kept out of later ones
    (`collect`: what the block left as garbage is collected first, so none of it is kept)."""
    global _depth, _enabled_outside, _unfreeze_registered
    with _lock:
        if _depth == 0:
            _enabled_outside = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if collect:
                gc.collect()
            gc.freeze()
            if not _unfreeze_registered:
                atexit.register(gc.unfreeze)
                _unfreeze_registered = True
            if _depth == 0 and _enabled_outside:
                gc.enable()
