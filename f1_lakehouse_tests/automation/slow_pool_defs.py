"""A test-only code location: one asset that holds the `duckdb` pool slot for a while."""

import time

import dagster as dg


@dg.asset(pool="duckdb")
def holds_the_duckdb_slot() -> None:
    time.sleep(120)


defs = dg.Definitions(assets=[holds_the_duckdb_slot])
