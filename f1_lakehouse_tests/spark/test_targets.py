"""The dbt targets beside DuckDB: `spark` matches the session the check starts and the real
project parses for it, `databricks` parses offline (dbt-databricks in its own venv, `make
databricks-venv`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
import yaml

from f1_lakehouse.lib.dbt.project import DBT_PROJECT_DIR
from f1_lakehouse.lib.settings import REPO_ROOT, DataRoot
from f1_lakehouse.lib.spark.dialect import scan_text
from f1_lakehouse.lib.spark.session import METASTORE_URL, metastore_shutdown_url, spark_conf

DATABRICKS_DBT = REPO_ROOT / ".venv-databricks" / "bin" / "dbt"
# dbt of the running venv: the spark extra (`make spark-install`) gives it dbt-spark
VENV_DBT = Path(sys.executable).parent / "dbt"


def _outputs(root: Path) -> dict[str, dict]:
    """profiles.yml's outputs rendered as dbt renders them, with the data root set."""
    env = {"F1_LAKEHOUSE_ROOT": str(root)}

    def env_var(name: str, default: str | None = None) -> str:
        if name in env:
            return env[name]
        if default is None:
            raise KeyError(name)
        return default

    def render(value: object) -> object:
        if isinstance(value, dict):
            return {key: render(item) for key, item in value.items()}
        if isinstance(value, str):
            return jinja2.Template(value).render(
                env_var=env_var, var=lambda name, default=None: default
            )
        return value

    profile = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())
    return render(profile["f1_lakehouse"]["outputs"])  # type: ignore[return-value]


def test_spark_target_starts_the_session_the_check_uses(tmp_path: Path) -> None:
    spark = _outputs(tmp_path)["spark"]
    assert (spark["type"], spark["method"], spark["threads"]) == ("spark", "session", 1)
    expected = spark_conf(DataRoot(tmp_path))
    # dbt-spark forces ANSI mode off itself; the session module says so explicitly
    expected.pop("spark.sql.ansi.enabled")
    assert spark["server_side_parameters"] == expected
    assert expected["spark.sql.warehouse.dir"] == f"{tmp_path}/spark/warehouse"


def test_databricks_targets_write_one_catalog_per_environment(tmp_path: Path) -> None:
    outputs = _outputs(tmp_path)
    catalogs = {name: outputs[name]["catalog"] for name in outputs if name.startswith("databricks")}
    assert catalogs == {
        "databricks": "f1_dev",
        "databricks_stage": "f1_stage",
        "databricks_prod": "f1_prod",
    }
    assert {outputs[name]["type"] for name in catalogs} == {"databricks"}
    # connection settings come from the environment, never from the file
    raw = (DBT_PROJECT_DIR / "profiles.yml").read_text()
    for setting in ("DATABRICKS_HOST", "DATABRICKS_HTTP_PATH", "DATABRICKS_TOKEN"):
        assert f"env_var('{setting}'" in raw


def test_a_data_root_with_a_semicolon_is_refused_for_spark(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot contain ';'"):
        spark_conf(DataRoot(tmp_path / "a;b"))


def _parse(dbt: Path, target: str, tmp_path: Path, command: tuple[str, ...] = ("parse",)) -> dict:
    """`dbt parse --target <target>` (or `command`) of a copy of the real project, offline; its
    manifest."""
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    env = {
        **os.environ,
        "F1_LAKEHOUSE_ROOT": str(tmp_path / "root"),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    for setting in ("DATABRICKS_HOST", "DATABRICKS_HTTP_PATH", "DATABRICKS_TOKEN"):
        env.pop(setting, None)  # offline: the profile's placeholders, no workspace
    result = subprocess.run(
        [
            str(dbt),
            *command,
            "--target",
            target,
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            "--no-partial-parse",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return json.loads((project / "target" / "manifest.json").read_text())


def test_dbt_parse_for_spark_succeeds_offline(tmp_path: Path) -> None:
    """The real project parses for Spark (no session is started), and silver is incremental
    there by insert_overwrite of session_id partitions; DuckDB's manifest keeps append."""
    pytest.importorskip("dbt.adapters.spark", reason="dbt-spark missing: make spark-install")
    manifest = _parse(VENV_DBT, "spark", tmp_path)
    assert manifest["metadata"]["adapter_type"] == "spark"
    silver = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "silver"
    ]
    assert len(silver) >= 10
    for node in silver:
        config = node["config"]
        assert (config["incremental_strategy"], config["partition_by"]) == (
            "insert_overwrite",
            "session_id",
        ), node["name"]
    duckdb_manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    duckdb_silver = duckdb_manifest["nodes"]["model.f1_lakehouse.silver_laps"]["config"]
    assert duckdb_silver["incremental_strategy"] == "append"


@pytest.mark.skipif(
    not DATABRICKS_DBT.exists(), reason="dbt-databricks venv missing: make databricks-venv"
)
def test_dbt_parse_for_databricks_succeeds_offline(tmp_path: Path) -> None:
    manifest = _parse(DATABRICKS_DBT, "databricks", tmp_path)
    assert manifest["metadata"]["adapter_type"] == "databricks"
    # Delta takes DELETE: silver deletes the run's sessions and appends, as on DuckDB
    silver_laps = manifest["nodes"]["model.f1_lakehouse.silver_laps"]["config"]
    assert silver_laps["incremental_strategy"] == "append"


# The two models the closing note of issue 19 shows compiled for Databricks.
COMPILED_FOR_DATABRICKS = ("silver_results", "session_leaderboard")


@pytest.mark.skipif(
    not DATABRICKS_DBT.exists(), reason="dbt-databricks venv missing: make databricks-venv"
)
def test_dbt_compile_for_databricks_succeeds_offline(tmp_path: Path) -> None:
    """Without a workspace: no introspective queries, no relation cache. The SQL compiled for
    Databricks names Unity Catalog's three-part tables and holds no DuckDB-only SQL."""
    command = ("compile", "--no-introspect", "--no-populate-cache", "--select")
    _parse(DATABRICKS_DBT, "databricks", tmp_path, (*command, *COMPILED_FOR_DATABRICKS))
    compiled = tmp_path / "dbt_project" / "target" / "compiled" / "f1_lakehouse" / "models"
    for model in COMPILED_FOR_DATABRICKS:
        (sql,) = compiled.rglob(f"{model}.sql")
        text = sql.read_text()
        assert scan_text(text, sql.name) == [], model
    leaderboard = (compiled / "gold" / "session_leaderboard.sql").read_text()
    assert "`f1_dev`.`gold`.`dim_sessions`" in leaderboard


def test_a_spark_step_shuts_down_only_its_roots_metastore() -> None:
    url = metastore_shutdown_url(spark_conf(DataRoot(Path("/data/root")))[METASTORE_URL])
    assert url == "jdbc:derby:;databaseName=/data/root/spark/metastore_db;shutdown=true"
