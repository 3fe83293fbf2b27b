"""A test-only code location: assets that hold a pool slot for a while, and quick ones that need
the same pools, run with the project's executor (f1_lakehouse/lib/executor.py)."""

import time

import dagster as dg

from f1_lakehouse.lib.executor import reclaiming_in_process_executor


@dg.asset(pool="duckdb")
def holds_the_duckdb_slot() -> None:
    time.sleep(120)


@dg.asset(pool="openf1_api")
def holds_the_openf1_api_slot() -> None:
    time.sleep(120)


@dg.asset(pool="duckdb")
def needs_the_duckdb_slot() -> None:
    pass


@dg.asset(pool="openf1_api")
def needs_the_openf1_api_slot() -> None:
    pass


defs = dg.Definitions(
    assets=[
        holds_the_duckdb_slot,
        holds_the_openf1_api_slot,
        needs_the_duckdb_slot,
        needs_the_openf1_api_slot,
    ],
    executor=reclaiming_in_process_executor,
)
