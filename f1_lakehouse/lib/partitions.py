"""The session partitions shared by every per-session asset (bronze, silver)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from f1_lakehouse.lib.local_faults import local_fault
from f1_lakehouse.lib.session_keys import InvalidSessionKey, SessionKey

SESSION_PARTITIONS_NAME = "sessions"
session_partitions = dg.DynamicPartitionsDefinition(name=SESSION_PARTITIONS_NAME)


def not_retryable(exc: Exception) -> dg.Failure:
    """A deterministic error (bad key, unknown session): fail at once, retrying cannot help."""
    return dg.Failure(description=str(exc), allow_retries=False)


@contextmanager
def failing_fast_on_local_faults() -> Iterator[None]:
    """Read-only or full disk, no permission, a corrupt file: fail the step at once (the
    source assets' retry policies are for the network), naming the file and the remedy."""
    try:
        yield
    except dg.Failure:
        raise
    except Exception as exc:
        fault = local_fault(exc)
        if fault is None:
            raise
        raise not_retryable(fault) from exc


def context_session_keys(context: dg.AssetExecutionContext) -> list[SessionKey]:
    """The validated session keys of a run: one key, or several in a single-run backfill."""
    try:
        return [SessionKey.parse(key) for key in context.partition_keys]
    except InvalidSessionKey as exc:
        raise not_retryable(exc) from exc


def context_session_key(context: dg.AssetExecutionContext) -> SessionKey:
    """The validated session key of a single-partition run."""
    try:
        return SessionKey.parse(context.partition_key)
    except InvalidSessionKey as exc:
        raise not_retryable(exc) from exc
