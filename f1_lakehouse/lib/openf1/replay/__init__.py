"""Serve recorded OpenF1 responses over real HTTP on 127.0.0.1, with optional fault injection.

The client under test talks to it exactly as to the live API. One job per module:

- `recordings`: find and load the recorded responses (`ReplayData`), answer a query;
- `filters`: OpenF1's query filters (`field=value`, repeated = OR; `>=`, `>`, `<=`, `<`);
- `encoding`: bodies as the live API writes them (compact JSON, telemetry built by Arrow);
- `faults`: deterministic fault injection (`FaultPlan`) and the public budget (`RateBudget`);
- `server`: the HTTP server, `ReplayServer` and `f1-lakehouse openf1-replay`.
"""

from f1_lakehouse.lib.openf1.replay.encoding import format_openf1_dates
from f1_lakehouse.lib.openf1.replay.errors import ReplayDataError
from f1_lakehouse.lib.openf1.replay.faults import FaultPlan, RateBudget
from f1_lakehouse.lib.openf1.replay.filters import parse_filters
from f1_lakehouse.lib.openf1.replay.recordings import DEFAULT_DATA, ReplayData
from f1_lakehouse.lib.openf1.replay.server import ReplayServer, main

__all__ = [
    "DEFAULT_DATA",
    "FaultPlan",
    "RateBudget",
    "ReplayData",
    "ReplayDataError",
    "ReplayServer",
    "format_openf1_dates",
    "main",
    "parse_filters",
]
