"""How each OpenF1 endpoint is followed live: streamed by date window, replaced whole, or
loaded once at the end."""

from __future__ import annotations

from f1_lakehouse.lib.openf1.schemas import ENDPOINTS
from f1_lakehouse.lib.openf1.telemetry import TELEMETRY_ENDPOINTS

# What a live viewer needs, stamped with `date` and published once: fetched by time window,
# appended as micro-batches. Telemetry too, so the end of a session is not 40 requests behind.
STREAMED: tuple[str, ...] = (
    "position",
    "intervals",
    "race_control",
    "pit",
    "weather",
    *TELEMETRY_ENDPOINTS,
)
# Rows that change while the session runs (a lap's sectors, a stint's last lap): small,
# fetched whole each poll and written over the partition.
REPLACED: tuple[str, ...] = ("laps", "stints")
# Fixed (meeting, session, drivers), known only at the end (results, grid, standings) or not
# needed live (overtakes, team radio): batch-loaded when the session is compacted.
AT_END: tuple[str, ...] = tuple(e for e in ENDPOINTS if e not in STREAMED and e not in REPLACED)
TELEMETRY: frozenset[str] = frozenset(TELEMETRY_ENDPOINTS)
# Requests one poll spends (telemetry windows of a few minutes are one request each).
REQUESTS_PER_POLL = len(STREAMED) + len(REPLACED)
