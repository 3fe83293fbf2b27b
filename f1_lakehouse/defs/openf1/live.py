"""What the OpenF1 bronze assets do in a live run (tag `f1_lakehouse/live`).

`poll`: each streamed endpoint lands its next window as a micro-batch, laps and stints are
replaced whole, the fixed endpoints (meeting, session, drivers) are loaded once, the rest wait
for the end. `compact`: the batch load, except that streamed endpoints are written through the
compaction (telemetry from its micro-batches plus the last window; the others from the whole
answer, reporting how far the live batches were from it). The assets stay the same assets, so
silver and gold downstream run exactly as for a batch load.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import dagster as dg
import pyarrow as pa

from f1_lakehouse.lib.bronze import DATA_FILE, partition_dir
from f1_lakehouse.lib.clock import now
from f1_lakehouse.lib.live.endpoints import REPLACED, STREAMED
from f1_lakehouse.lib.live.poll import EndpointPoll, compact_endpoint, poll_endpoint
from f1_lakehouse.lib.openf1.client import OpenF1Client
from f1_lakehouse.lib.openf1.session_map import ResolvedSession
from f1_lakehouse.lib.session_keys import SessionKey
from f1_lakehouse.lib.settings import live_lag_seconds

LIVE_TAG = "f1_lakehouse/live"
LiveMode = Literal["poll", "compact"]
LIVE_MODES: tuple[LiveMode, ...] = ("poll", "compact")
FIXED = frozenset({"meetings", "sessions", "drivers"})
SOURCE = "openf1"


def live_mode(context: dg.AssetExecutionContext) -> LiveMode | None:
    """The run's live mode, or None for a batch load; a wrong tag fails the run at once."""
    mode = context.run.tags.get(LIVE_TAG)
    if mode is None:
        return None
    if mode not in LIVE_MODES:
        raise dg.Failure(
            description=f"run tag {LIVE_TAG}={mode!r} is not a live mode; use one of "
            f"{', '.join(LIVE_MODES)}",
            allow_retries=False,
        )
    return mode  # type: ignore[return-value]


def poll_until() -> datetime:
    """The upper edge of this poll's windows: now, less the time OpenF1 takes to publish."""
    return now() - timedelta(seconds=live_lag_seconds())


def waits_for_the_end(mode: LiveMode, endpoint: str, bronze_root: Path, key: SessionKey) -> bool:
    """In a poll, an endpoint that is loaded at the end (or, fixed, is already loaded)."""
    if mode != "poll" or endpoint in STREAMED or endpoint in REPLACED:
        return False
    return (
        endpoint not in FIXED
        or (partition_dir(bronze_root, SOURCE, endpoint, key) / DATA_FILE).exists()
    )


def live_poll(
    client: OpenF1Client,
    resolved: ResolvedSession,
    bronze_root: Path,
    key: SessionKey,
    endpoint: str,
) -> EndpointPoll:
    return poll_endpoint(client, resolved, bronze_root, key, endpoint, poll_until())


def live_compact(
    client: OpenF1Client,
    resolved: ResolvedSession,
    bronze_root: Path,
    key: SessionKey,
    endpoint: str,
    whole: pa.Table | None = None,
) -> EndpointPoll:
    return compact_endpoint(client, resolved, bronze_root, key, endpoint, whole)


def live_metadata(mode: LiveMode, result: EndpointPoll) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "live": mode,
        "live_rows_landed": result.rows,
        "live_window_after": result.after.isoformat() if result.after else "",
        "live_window_until": result.until.isoformat() if result.until else "",
        "http_requests": result.requests,
        "live_seconds": round(result.seconds, 2),
    }
    if result.note:
        meta["note"] = result.note
    return meta


def waiting_metadata(endpoint: str) -> dict[str, Any]:
    return {"live": "poll", "note": f"{endpoint}: loaded when the session is compacted"}
