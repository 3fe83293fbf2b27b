"""Cheap "has the source published this session yet?" probes for the sensors (one or two small
requests each; never a session load, so a sensor tick stays fast).

* FastF1: the session's livetiming `SessionStatus` stream through FastF1's API. Missing means
  not published; present but without `Finalised`/`Ends` means the session is still running (red
  flag, delay). In replay mode FastF1 answers from the recordings.
* OpenF1: the partition maps to an OpenF1 session and it has lap 1 of some driver.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext

from f1_lakehouse.lib.automation.race_weekend import (
    FASTF1,
    OPENF1,
    Availability,
    CalendarSession,
    Probe,
)
from f1_lakehouse.lib.settings import DataRoot, SourceMode

FINISHED_STATUSES = frozenset({"Finalised", "Ends"})


def fastf1_availability(session: CalendarSession, mode: SourceMode, root: DataRoot) -> Availability:
    import fastf1
    from fastf1.req import Cache

    from f1_lakehouse.lib.fastf1 import source as fastf1_source

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "fastf1.api will be considered private"
        import fastf1.api as fastf1_api

    fastf1_source.configure(mode, root)
    key = session.key
    try:
        api_path = fastf1.get_session(key.season, key.round, session.session_name).api_path
        # Live: bypass FastF1's HTTP cache, or an unfinished status would be cached for good.
        fresh: AbstractContextManager[object] = (
            Cache.disabled() if mode == "live" else nullcontext()
        )
        with fresh:
            status = fastf1_api.session_status_data(api_path)
    except Exception as exc:  # any failure means "not there yet": the next tick asks again
        return Availability(False, f"no livetiming data yet ({type(exc).__name__}: {exc})")
    statuses = [str(s) for s in status.get("Status", [])]
    if not FINISHED_STATUSES & set(statuses):
        last = statuses[-1] if statuses else "none"
        return Availability(False, f"session not finalised yet (last status {last})")
    return Availability(True)


def openf1_availability(session: CalendarSession, client) -> Availability:  # type: ignore[no-untyped-def]
    from f1_lakehouse.lib.openf1.session_map import resolve_session

    try:
        resolved = resolve_session(client.get, session.key)
        laps = client.get("laps", {"session_key": resolved.session_key, "lap_number": 1})
    except Exception as exc:
        return Availability(False, f"not on OpenF1 yet ({type(exc).__name__}: {exc})")
    if not laps:
        return Availability(False, f"OpenF1 session {resolved.session_key} has no laps yet")
    return Availability(True)


@contextmanager
def source_probe(mode: SourceMode, root: DataRoot) -> Iterator[Probe]:
    """A probe for both sources; the OpenF1 client (and in replay its server) opens on first use
    and closes with the context. Few attempts, short timeouts: the next tick is the retry."""
    from f1_lakehouse.lib.openf1.resource import OpenF1Resource

    resource = OpenF1Resource(max_attempts=2, timeout_seconds=10.0, backoff_max_seconds=2.0)
    with ExitStack() as stack:
        clients: list[object] = []

        def probe(session: CalendarSession, source: str) -> Availability:
            if source == FASTF1:
                return fastf1_availability(session, mode, root)
            if source == OPENF1:
                if not clients:
                    clients.append(stack.enter_context(resource.connected()))
                return openf1_availability(session, clients[0])
            return Availability(False, f"unknown source {source!r}")

        yield probe
