"""The session partitions shared by every per-session asset (bronze, silver)."""

from __future__ import annotations

import dagster as dg

from f1_lakehouse.lib.session_keys import SessionKey

SESSION_PARTITIONS_NAME = "sessions"
session_partitions = dg.DynamicPartitionsDefinition(name=SESSION_PARTITIONS_NAME)


def context_session_keys(context: dg.AssetExecutionContext) -> list[SessionKey]:
    """The validated session keys of a run: one key, or several in a single-run backfill."""
    return [SessionKey.parse(key) for key in context.partition_keys]


def context_session_key(context: dg.AssetExecutionContext) -> SessionKey:
    """The validated session key of a single-partition run."""
    return SessionKey.parse(context.partition_key)
