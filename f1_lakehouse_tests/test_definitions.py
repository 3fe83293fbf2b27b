"""The one Definitions object: what Dagster users see in the UI and the CLI."""

import dagster as dg
import yaml

from f1_lakehouse.definitions import defs
from f1_lakehouse.lib.settings import REPO_ROOT


def _graph():
    return defs.resolve_asset_graph()


def test_bronze_silver_and_gold_are_one_lineage():
    graph = _graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {
        "bronze/fastf1/laps",
        "bronze/fastf1/results",
        "bronze/fastf1/calendar",
        "bronze/openf1/car_data",
        "silver/silver_laps",
        "gold/driver_session_summary",
    } <= keys
    laps_parents = graph.get(dg.AssetKey(["silver", "silver_laps"])).parent_keys
    assert dg.AssetKey(["bronze", "fastf1", "laps"]) in laps_parents


def test_session_assets_share_the_dynamic_session_partitions():
    graph = _graph()
    for key in (
        ["bronze", "fastf1", "laps"],
        ["bronze", "openf1", "laps"],
        ["silver", "silver_laps"],
    ):
        partitions = graph.get(dg.AssetKey(key)).partitions_def
        assert (
            isinstance(partitions, dg.DynamicPartitionsDefinition) and partitions.name == "sessions"
        )


def test_duckdb_writers_share_one_pool_of_size_one():
    graph = _graph()
    dbt_keys = [k for k in graph.get_all_asset_keys() if k.path[0] in ("silver", "gold")]
    assert dbt_keys
    for key in dbt_keys:
        node = graph.get(key)
        assert node.pools == {"duckdb"}, key
    config = yaml.safe_load((REPO_ROOT / "dagster.yaml").read_text())
    assert config["concurrency"]["pools"]["default_limit"] == 1
    assert config["telemetry"]["enabled"] is False


def test_dbt_tests_are_asset_checks():
    """One `dbt_tests` check per tested model (f1_lakehouse_tests/dbt/test_in_process.py)."""
    checks = _graph().asset_check_keys
    assert dg.AssetCheckKey(dg.AssetKey(["silver", "silver_laps"]), "dbt_tests") in checks
    assert dg.AssetCheckKey(dg.AssetKey(["gold", "fact_laps"]), "dbt_tests") in checks
