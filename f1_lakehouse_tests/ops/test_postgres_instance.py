"""The compose deployment's Dagster instance (deploy/dagster.yaml) against a real PostgreSQL 15:
materialise a session partition and read the run back from Postgres."""

import shutil

import dagster as dg
import psycopg2
import pytest

from f1_lakehouse.defs.fastf1.assets import fastf1_session_tables
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.settings import REPO_ROOT
from f1_lakehouse_tests.ops.postgres import PG_BIN, PostgresServer, postgres_server

pytestmark = pytest.mark.skipif(PG_BIN is None, reason="PostgreSQL server binaries not installed")
SESSION = "2023-04-SQ"  # a small recorded session: bronze in a few seconds
DB_NAME = "dagster"


@pytest.fixture(scope="module")
def server():
    with postgres_server() as running:
        con = psycopg2.connect(
            host=running.host, port=running.port, user=running.user,
            password=running.password, dbname="postgres",
        )  # fmt: skip
        con.autocommit = True  # CREATE DATABASE cannot run in a transaction
        con.cursor().execute(f"create database {DB_NAME}")
        con.close()
        yield running


@pytest.fixture
def compose_instance(server: PostgresServer, tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    for name, value in server.env(DB_NAME).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DAGSTER_STORAGE_DIR", str(tmp_path / "storage"))
    monkeypatch.setenv("DAGSTER_COMPUTE_LOGS_DIR", str(tmp_path / "logs"))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        yield instance


def test_compose_instance_stores_everything_in_postgres(compose_instance):
    for storage in (
        compose_instance.run_storage,
        compose_instance.event_log_storage,
        compose_instance.schedule_storage,
    ):
        assert type(storage).__name__.startswith("Postgres"), type(storage)
    assert type(compose_instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    assert compose_instance.get_concurrency_config().pool_config.default_pool_limit == 1


def test_materialise_a_partition_and_read_the_run_back(compose_instance, data_root, server):
    compose_instance.add_dynamic_partitions(SESSION_PARTITIONS_NAME, [SESSION])
    result = dg.materialize(
        [fastf1_session_tables],
        partition_key=SESSION,
        instance=compose_instance,
        resources={"data_root": DataRootResource(path=str(data_root.path))},
    )
    assert result.success

    (record,) = compose_instance.get_run_records(dg.RunsFilter(run_ids=[result.run_id]))
    assert record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
    assert record.dagster_run.tags["dagster/partition"] == SESSION
    laps_key = dg.AssetKey(["bronze", "fastf1", "laps"])
    event = compose_instance.get_latest_materialization_event(laps_key)
    assert event.run_id == result.run_id
    assert event.asset_materialization.partition == SESSION
    assert compose_instance.get_dynamic_partitions(SESSION_PARTITIONS_NAME) == [SESSION]
    assert (data_root.bronze / "fastf1/laps/season=2023/round=04/session=SQ/data.parquet").exists()

    # Straight from Postgres, not through Dagster: the run row is there.
    with psycopg2.connect(
        host=server.host, port=server.port, user=server.user, password=server.password,
        dbname=DB_NAME,
    ) as con, con.cursor() as cur:  # fmt: skip
        cur.execute("select status from runs where run_id = %s", [result.run_id])
        assert cur.fetchall() == [("SUCCESS",)]
    con.close()
