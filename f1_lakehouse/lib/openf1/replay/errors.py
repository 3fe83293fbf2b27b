"""What can go wrong serving a recording; the server maps each to the HTTP answer OpenF1 gives."""

from __future__ import annotations


class ReplayDataError(ValueError):
    """The recordings folder is missing or malformed."""


class ResultTooLarge(Exception):
    """Like OpenF1, refuse queries that would return too much data (HTTP 500)."""


class QueryTimedOut(Exception):
    """A query too big to answer within the public API's timeout (HTTP 408)."""
