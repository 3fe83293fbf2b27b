"""Bronze on Spark is declared from the project's own source ymls, in either layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from f1_lakehouse.lib.dbt.project import DBT_PROJECT_DIR
from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse.lib.spark.external_tables import (
    SourceDefinitionError,
    bronze_tables,
    declare_statements,
)

SOURCES = """
sources:
  - name: bronze_fastf1
    tables:
      - name: laps
        columns:
          - {name: driver_number, data_type: varchar}
          - {name: lap_start_date, data_type: timestamptz}
          - {name: season, data_type: varchar}
"""


def test_every_bronze_table_of_the_project_is_declared() -> None:
    tables = {f"{t.source}.{t.name}": t for t in bronze_tables(DBT_PROJECT_DIR)}
    assert {"bronze_fastf1.laps", "bronze_fastf1.session_info", "bronze_openf1.laps"} <= set(tables)
    assert ("lap_start_date", "timestamp") in tables["bronze_fastf1.laps"].columns


def test_staging_layout_is_read_and_hive_columns_are_strings(tmp_path: Path) -> None:
    project = tmp_path / "p"
    folder = project / "models" / "staging" / "fastf1"
    folder.mkdir(parents=True)
    (folder / "_fastf1__sources.yml").write_text(SOURCES)
    root = DataRoot(tmp_path / "root")
    (table,) = bronze_tables(project)
    empty = declare_statements(table, root)[-1]
    assert empty.startswith("create view bronze_fastf1.laps as select")
    assert "cast(null as string) as `season`" in empty and empty.endswith("where false")
    (root.bronze / "fastf1" / "laps").mkdir(parents=True)
    create, recover = declare_statements(table, root)[-2:]
    assert "`season` string, `round` string, `session` string" in create
    assert create.count("`season`") == 1  # a declared hive column is not declared twice
    assert "partitioned by (season, round, session)" in create
    assert recover == "alter table bronze_fastf1.laps recover partitions"


def test_a_type_spark_has_no_name_for_fails_clearly(tmp_path: Path) -> None:
    folder = tmp_path / "models" / "sources"
    folder.mkdir(parents=True)
    (folder / "b.yml").write_text(SOURCES.replace("timestamptz", "interval"))
    with pytest.raises(SourceDefinitionError, match="lap_start_date has type 'interval'"):
        bronze_tables(tmp_path)


def test_a_name_that_is_not_an_identifier_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "models" / "sources"
    folder.mkdir(parents=True)
    (folder / "b.yml").write_text(SOURCES.replace("name: laps", "name: 'laps; drop'"))
    with pytest.raises(SourceDefinitionError, match="not a plain lower-case name"):
        bronze_tables(tmp_path)
