"""The silver hooks on Spark: a tiny incremental model with the project's silver config and
hook macros, built whole and then again for one session, keeps one copy of each session (the
re-run session replaced by insert_overwrite) and logs every load (the log is insert-only there);
a re-run session that now yields no rows is emptied, not kept."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from f1_lakehouse.lib.dbt.project import DBT_PROJECT_DIR
from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse.lib.spark.session import spark_conf, spark_session

pytestmark = pytest.mark.spark

# Shapes only, not F1 facts: `n` tells the builds apart.
MODEL = """
select session_id, n + {{ var('bump', 0) }} as n
from (values ('2018-04-R', 1), ('2023-04-Q', 2)) as t(session_id, n)
where {{ session_filter('session_id') }} and session_id not in ({{ var('gone', "''") }})
"""


@pytest.fixture(scope="module")
def spark_root(tmp_path_factory: pytest.TempPathFactory) -> DataRoot:
    """One Spark root for the module: a process's Spark keeps the metastore it started with."""
    return DataRoot(tmp_path_factory.mktemp("spark_hooks") / "root")


def _project(tmp_path: Path, root: DataRoot) -> Path:
    project = tmp_path / "hooks_project"
    for folder in ("silver", "partitions", "cross_engine", "bronze"):
        shutil.copytree(DBT_PROJECT_DIR / "macros" / folder, project / "macros" / folder)
    (project / "models" / "silver").mkdir(parents=True)
    (project / "models" / "silver" / "m.sql").write_text(MODEL)
    real = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    silver = real["models"]["f1_lakehouse"]["silver"]
    (project / "dbt_project.yml").write_text(
        yaml.safe_dump(
            {
                "name": "hooks",
                "version": "1.0.0",
                "config-version": 2,
                "profile": "hooks",
                "on-run-start": real["on-run-start"],
                "vars": {"session_keys": []},
                "models": {"hooks": {"silver": {**silver, "+schema": None}}},
            }
        )
    )
    spark = {
        "type": "spark",
        "method": "session",
        "host": "local",
        "schema": "silver",
        "threads": 1,
        "server_side_parameters": spark_conf(root),
    }
    (project / "profiles.yml").write_text(
        yaml.safe_dump({"hooks": {"target": "spark", "outputs": {"spark": spark}}})
    )
    return project


def _run(project: Path, dbt_vars: dict) -> None:
    from dbt.cli.main import dbtRunner

    os.environ.setdefault("DO_NOT_TRACK", "1")
    result = dbtRunner().invoke(
        [
            "run",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            "--log-path",
            str(project / "logs"),
            "--vars",
            yaml.safe_dump(dbt_vars),
        ]
    )
    assert result.success, result.exception or [r.message for r in result.result.results]


def _fresh_session(root: DataRoot):
    """The module's session with neither the model nor the load log left by another test."""
    spark, _ = spark_session(root)
    spark.sql("create database if not exists silver")
    spark.sql("drop table if exists silver.m")
    spark.sql("drop table if exists silver.session_loads")
    return spark


def test_a_rerun_session_is_replaced_once_and_every_load_is_logged(
    tmp_path: Path, spark_root: DataRoot
) -> None:
    project = _project(tmp_path, spark_root)
    spark = _fresh_session(spark_root)
    _run(project, {})
    _run(project, {"session_keys": ["2018-04-R"], "bump": 10})
    rows = spark.sql("select session_id, n from silver.m order by session_id").collect()
    assert [tuple(r) for r in rows] == [("2018-04-R", 11), ("2023-04-Q", 2)]
    loads = spark.sql(
        "select session_id, count(distinct load_id) as n from silver.session_loads"
        " where model = 'm' group by session_id order by session_id"
    ).collect()
    assert [tuple(r) for r in loads] == [("2018-04-R", 2), ("2023-04-Q", 1)]


def test_a_rerun_session_that_yields_no_rows_is_emptied(
    tmp_path: Path, spark_root: DataRoot
) -> None:
    project = _project(tmp_path, spark_root)
    spark = _fresh_session(spark_root)
    _run(project, {})
    # the re-run's sessions: one now yields nothing, the other is replaced
    _run(project, {"session_keys": ["2018-04-R", "2023-04-Q"], "bump": 10, "gone": "'2018-04-R'"})
    rows = spark.sql("select session_id, n from silver.m order by session_id").collect()
    assert [tuple(r) for r in rows] == [("2023-04-Q", 12)]
    # a run of every session replaces the whole table, as DuckDB's delete of every row does
    _run(project, {"bump": 20, "gone": "'2023-04-Q'"})
    rows = spark.sql("select session_id, n from silver.m order by session_id").collect()
    assert [tuple(r) for r in rows] == [("2018-04-R", 21)]
