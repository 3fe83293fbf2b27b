"""The dbt target's engine and what Dagster derives from it, without dbt."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from f1_lakehouse.lib.dbt.engine import (
    TARGET_ENGINES,
    UnknownTargetError,
    engine_kinds,
    engine_of,
    engine_pool,
    parse_state_dir,
    reads_duckdb_warehouse,
    resolve_target,
    target_args,
)
from f1_lakehouse.lib.dbt.in_process import with_root_var
from f1_lakehouse.lib.dbt.project import DBT_PROJECT_DIR
from f1_lakehouse.lib.settings import DataRoot


def test_the_targets_are_the_profiles_outputs():
    profile = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())["f1_lakehouse"]
    outputs = profile["outputs"]
    assert set(TARGET_ENGINES) == set(outputs)
    assert {name: TARGET_ENGINES[name] for name in outputs} == {
        name: output["type"] for name, output in outputs.items()
    }


def test_an_empty_target_is_dev_and_an_unknown_one_is_a_clear_error():
    assert resolve_target("") == resolve_target("  ") == "dev"
    assert resolve_target(" spark ") == "spark"
    with pytest.raises(UnknownTargetError, match=r"'sprak'.*dev, stage, prod, spark"):
        resolve_target("sprak")
    with pytest.raises(UnknownTargetError):
        parse_state_dir(Path("/cache"), "../dev")  # never a path outside the cache


def test_the_target_goes_to_dbt_explicitly():
    assert target_args("") == ["--target", "dev"]
    assert target_args("spark") == ["--target", "spark"]
    args = with_root_var(["build", *target_args("spark")], DataRoot(Path("/r")))
    assert args[:3] == ["build", "--target", "spark"]


def test_each_target_keeps_its_own_parse_state():
    cache = Path("/root/cache/dbt")
    dirs = {parse_state_dir(cache, target) for target in TARGET_ENGINES}
    assert len(dirs) == len(TARGET_ENGINES)
    assert parse_state_dir(cache, "") == parse_state_dir(cache, "dev") == cache / "dev"
    assert parse_state_dir(cache, "spark") == cache / "spark"


def test_pools_kinds_and_duckdb_readers_follow_the_engine():
    assert [engine_of(t) for t in ("dev", "prod", "spark", "databricks_stage")] == [
        "duckdb",
        "duckdb",
        "spark",
        "databricks",
    ]
    assert engine_pool("dev") == engine_pool("stage") == "duckdb"
    assert engine_pool("spark") == "spark"
    assert engine_kinds("spark") == {"spark"}
    assert reads_duckdb_warehouse("prod")
    assert not reads_duckdb_warehouse("spark")
    assert not reads_duckdb_warehouse("databricks")


def test_an_engine_whose_tables_this_process_cannot_read_gets_no_row_count():
    from f1_lakehouse.lib.dbt.table_metadata import FACTS_KEY, add_table_facts

    node = {"resource_type": "model", "node_status": "success"}
    node["node_relation"] = {"schema": "gold", "alias": "dim_sessions"}
    raw = add_table_facts({"data": {"node_info": node}}, "databricks")
    assert FACTS_KEY not in raw  # unknown, never a zero
