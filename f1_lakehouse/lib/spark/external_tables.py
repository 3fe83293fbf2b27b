"""Bronze on Spark: one external Parquet table per bronze source table, from the source ymls.

DuckDB reads bronze files directly (read_parquet over hive folders). Spark reads tables, so each
source table is declared over its folder, `<root>/bronze/<source>/<table>/`, with the columns
(and types) the yml declares and the hive folders `season`, `round`, `session` as STRING
partition columns (an inferred `round=04` would become the integer 4). A table with no folder
yet becomes an empty typed view, so every model builds whatever has landed. Declaring is cheap
and idempotent: run it before each build, since new sessions need their partitions recovered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from f1_lakehouse.lib.settings import DataRoot

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

PARTITION_COLUMNS = ("season", "round", "session")
# DuckDB types of the source ymls -> Spark types
SPARK_TYPES = {
    "varchar": "string",
    "bigint": "bigint",
    "integer": "int",
    "double": "double",
    "boolean": "boolean",
    "timestamptz": "timestamp",
    "timestamp": "timestamp",
    "bigint[]": "array<bigint>",
    "double[]": "array<double>",
}
ESCAPED_LITERALS = "spark.sql.parser.escapedStringLiterals"
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


class SourceDefinitionError(ValueError):
    """A source yml declares something the Spark tables cannot be built from."""


@dataclass(frozen=True)
class BronzeTable:
    """One bronze source table: where its files live and its declared columns."""

    source: str
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, Spark type)

    @property
    def folder(self) -> str:
        """The bronze folder: `bronze_fastf1` lives under `bronze/fastf1/`."""
        return self.source.removeprefix("bronze_")

    def location(self, root: DataRoot) -> Path:
        return root.bronze / self.folder / self.name


def source_files(project_dir: Path) -> list[Path]:
    """The source ymls, in today's layout and in the staging layout (issue 16)."""
    models = project_dir / "models"
    found = set(models.glob("sources/*.yml")) | set(models.glob("**/_*sources*.yml"))
    return sorted(found)


def _identifier(value: object, what: str, path: Path) -> str:
    if not isinstance(value, str) or not IDENTIFIER.match(value):
        raise SourceDefinitionError(f"{path}: {what} {value!r} is not a plain lower-case name")
    return value


def bronze_tables(project_dir: Path) -> list[BronzeTable]:
    """Every bronze source table of the project, validated (names reach SQL)."""
    tables: list[BronzeTable] = []
    for path in source_files(project_dir):
        document = yaml.safe_load(path.read_text()) or {}
        for source in document.get("sources") or []:
            source_name = _identifier(source.get("name"), "source", path)
            if not source_name.startswith("bronze_"):
                continue
            for table in source.get("tables") or []:
                table_name = _identifier(table.get("name"), "table", path)
                columns = []
                for column in table.get("columns") or []:
                    column_name = _identifier(column.get("name"), "column", path)
                    data_type = str(column.get("data_type", "")).strip().lower()
                    if data_type not in SPARK_TYPES:
                        raise SourceDefinitionError(
                            f"{path}: {source_name}.{table_name}.{column_name} has type "
                            f"{data_type!r}; Spark types are known for {', '.join(SPARK_TYPES)}"
                        )
                    columns.append((column_name, SPARK_TYPES[data_type]))
                tables.append(BronzeTable(source_name, table_name, tuple(columns)))
    if not tables:
        raise SourceDefinitionError(f"no bronze sources found under {project_dir / 'models'}")
    return tables


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("\\", "\\\\").replace("'", "\\'") + "'"


def declare_statements(table: BronzeTable, root: DataRoot) -> list[str]:
    """The SQL that declares one bronze table on Spark (once any older one is dropped)."""
    relation = f"{table.source}.{table.name}"
    declared = [(name, kind) for name, kind in table.columns if name not in PARTITION_COLUMNS]
    statements = [f"create database if not exists {table.source}"]
    location = table.location(root)
    if location.is_dir():
        columns = ", ".join(f"`{name}` {kind}" for name, kind in declared)
        partitions = ", ".join(f"`{name}` string" for name in PARTITION_COLUMNS)
        statements += [
            f"create table {relation} ({columns}, {partitions}) using parquet "
            f"partitioned by ({', '.join(PARTITION_COLUMNS)}) location {_quoted(location)}",
            f"alter table {relation} recover partitions",
        ]
    else:
        nulls = [f"cast(null as {kind}) as `{name}`" for name, kind in declared]
        nulls += [f"cast(null as string) as `{name}`" for name in PARTITION_COLUMNS]
        statements.append(f"create view {relation} as select {', '.join(nulls)} where false")
    return statements


def _drop(spark: SparkSession, relation: str) -> None:
    """Drop a table or view of that name (Spark's DROP names the kind it drops)."""
    if spark.catalog.tableExists(relation):
        kind = spark.catalog.getTable(relation).tableType
        spark.sql(f"drop {'view' if kind in ('VIEW', 'TEMPORARY') else 'table'} {relation}")


def declare_bronze_tables(
    spark: SparkSession, root: DataRoot, tables: Iterable[BronzeTable]
) -> list[str]:
    """Declare every table; returns the relations declared over files (the rest are empty)."""
    with_files = []
    # the location literals use backslash escapes (a root may hold a quote): parse them so here
    escaped = spark.conf.get(ESCAPED_LITERALS, "false")
    spark.conf.set(ESCAPED_LITERALS, "false")
    try:
        for table in tables:
            _drop(spark, f"{table.source}.{table.name}")
            for statement in declare_statements(table, root):
                spark.sql(statement)
            if table.location(root).is_dir():
                with_files.append(f"{table.source}.{table.name}")
    finally:
        spark.conf.set(ESCAPED_LITERALS, escaped)
    return with_files
