"""Each cross-engine macro gives the same value on DuckDB and on Spark (a tiny dbt project that
holds only dbt_project/macros/cross_engine/, built on both targets)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from f1_lakehouse.lib.dbt.project import DBT_PROJECT_DIR
from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse.lib.spark.session import spark_conf, spark_session

pytestmark = pytest.mark.spark

SCALARS = """
select
    {{ literal_list_element([25, 18, 15], 'p') }} as second_points,
    {{ literal_list_element([25, 18, 15], 'p + 5') }} as outside_points,
    {{ regexp_whole_match("'2024-18-R'", "'[0-9]{4}-[0-9]{2}-(R|S)'") }} as whole_match,
    {{ regexp_whole_match("'x2024-18-R'", "'[0-9]{4}-[0-9]{2}-(R|S)'") }} as partial_is_not_whole,
    {{ regexp_search("'+2 Laps'", "'^\\+[0-9]+ Laps?$'") }} as search_with_backslash,
    {{ integer_divide('p + 5', '2') }} as half_rounded_down,
    {{ regexp_replace_all("'a 12:00:01 b 13:00:02'", "'\\d\\d:\\d\\d:\\d\\d'", "''") }} as stripped,
    {{ timestamp_add_ms("cast('2024-09-22 12:00:00' as timestamp)", '1500') }}
        = cast('2024-09-22 12:00:01.500' as timestamp) as plus_ms_is_exact,
    {{ timestamp_add_ms("cast('2024-09-22 12:00:00' as timestamp)", 'cast(null as bigint)') }}
        is null as plus_null_ms_is_null
from (select 2 as p) as t
"""
AGGREGATES = """
select {{ string_agg_ordered('v', "','", 'k') }} as joined
from (select 2 as k, 'b' as v union all select 1, 'a' union all select 3, null) as t
"""
EXPECTED = {
    "scalars": {
        "second_points": 18,
        "outside_points": None,
        "whole_match": True,
        "partial_is_not_whole": False,
        "search_with_backslash": True,
        "half_rounded_down": 3,
        "stripped": "a  b ",
        "plus_ms_is_exact": True,
        "plus_null_ms_is_null": True,
    },
    "aggregates": {"joined": "a,b"},
}


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "macros_project"
    shutil.copytree(DBT_PROJECT_DIR / "macros" / "cross_engine", project / "macros")
    (project / "models").mkdir()
    (project / "models" / "scalars.sql").write_text(SCALARS)
    (project / "models" / "aggregates.sql").write_text(AGGREGATES)
    (project / "dbt_project.yml").write_text(
        yaml.safe_dump(
            {
                "name": "cross_engine",
                "version": "1.0.0",
                "config-version": 2,
                "profile": "cross_engine",
                "models": {"cross_engine": {"+materialized": "table"}},
            }
        )
    )
    root = DataRoot(tmp_path / "root")
    outputs = {
        "duckdb": {"type": "duckdb", "path": str(tmp_path / "macros.duckdb"), "threads": 1},
        "spark": {
            "type": "spark",
            "method": "session",
            "host": "local",
            "schema": "default",
            "threads": 1,
            "server_side_parameters": spark_conf(root),
        },
    }
    (project / "profiles.yml").write_text(
        yaml.safe_dump({"cross_engine": {"target": "duckdb", "outputs": outputs}})
    )
    return project


def _run(project: Path, target: str) -> None:
    from dbt.cli.main import dbtRunner

    os.environ.setdefault("DO_NOT_TRACK", "1")
    result = dbtRunner().invoke(
        [
            "run",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            "--target",
            target,
            "--log-path",
            str(project / "logs"),
        ]
    )
    assert result.success, result.exception or [r.message for r in result.result.results]


def test_cross_engine_macros_give_the_same_values_on_duckdb_and_spark(tmp_path: Path) -> None:
    project = _project(tmp_path)
    spark, _ = spark_session(DataRoot(tmp_path / "root"))
    _run(project, "duckdb")
    _run(project, "spark")
    with duckdb.connect(str(tmp_path / "macros.duckdb")) as con:
        on_duckdb = {
            model: dict(
                zip(
                    expected,
                    con.execute(f"select {', '.join(expected)} from {model}").fetchone(),
                    strict=True,
                )
            )
            for model, expected in EXPECTED.items()
        }
    on_spark = {
        model: spark.sql(f"select {', '.join(expected)} from default.{model}").collect()[0].asDict()
        for model, expected in EXPECTED.items()
    }
    assert on_duckdb == EXPECTED
    assert on_spark == EXPECTED
