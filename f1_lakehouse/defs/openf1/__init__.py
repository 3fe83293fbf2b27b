"""Dagster definitions of the OpenF1 source (bronze)."""
