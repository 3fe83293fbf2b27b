"""The session partitions shared by every per-session asset (bronze, silver)."""

from __future__ import annotations

import dagster as dg

from f1_lakehouse.lib.session_keys import InvalidSessionKey, SessionKey

SESSION_PARTITIONS_NAME = "sessions"
session_partitions = dg.DynamicPartitionsDefinition(name=SESSION_PARTITIONS_NAME)


def not_retryable(exc: Exception) -> dg.Failure:
    """A deterministic error (bad key, unknown session): fail at once, retrying cannot help."""
    return dg.Failure(description=str(exc), allow_retries=False)


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
