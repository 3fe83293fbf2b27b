"""`dagster/row_count` and `dagster/column_schema` on every dbt materialisation.

dagster-dbt's `fetch_row_counts()` opens its own warehouse connection after each model, which
DuckDB's one-process-per-file lock (and dbt-duckdb's own open connection in this process) rule
out. Instead the facts are read through dbt-duckdb's connection, in dbt's thread, the moment a
node's result event fires (its table is complete then), and attached to the Dagster output
made from that event. On Spark the same facts come from the process's Spark session; on an
engine with neither (Databricks through its own adapter) there are none: unknown, not zero.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg

FACTS_KEY = "f1_lakehouse_table_facts"  # where the facts ride on dbt's raw event dict
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MEASURED = frozenset({"model", "snapshot", "seed"})


def _relation(raw: Mapping[str, Any]) -> tuple[str, str] | None:
    info = raw.get("data", {}).get("node_info", {})
    relation = info.get("node_relation") or {}
    schema, name = relation.get("schema"), relation.get("alias")
    if info.get("resource_type") not in _MEASURED or info.get("node_status") != "success":
        return None
    if not (schema and name and _IDENTIFIER.match(schema) and _IDENTIFIER.match(name)):
        return None
    return schema, name


def add_table_facts(raw: dict[str, Any], engine: str = "duckdb") -> dict[str, Any]:
    """Row count and columns of the node's relation, on `raw` (returned for chaining).

    Best effort: metadata never fails a build; a relation that cannot be read gets none
    (unknown, not zero)."""
    relation = _relation(raw)
    if relation is None:
        return raw
    if engine == "spark":
        return _add_spark_facts(raw, *relation)
    if engine != "duckdb":
        return raw
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is None:
        return raw
    schema, name = relation
    handle = environment.handle()
    try:
        cursor = handle.cursor()
        (rows,) = cursor.execute(f'select count(*) from "{schema}"."{name}"').fetchone()
        columns = cursor.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, name],
        ).fetchall()
    except Exception:
        return raw
    finally:
        handle.close()
    raw[FACTS_KEY] = {"rows": int(rows), "columns": [tuple(c) for c in columns]}
    return raw


def _add_spark_facts(raw: dict[str, Any], schema: str, name: str) -> dict[str, Any]:
    from f1_lakehouse.lib.dbt.on_spark import spark_table_facts

    try:
        facts = spark_table_facts(schema, name)
    except Exception:
        return raw
    if facts is not None:
        raw[FACTS_KEY] = facts
    return raw


def table_metadata(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Dagster's standard metadata keys for a table's size and shape."""
    schema = dg.TableSchema(
        columns=[dg.TableColumn(name, type=data_type) for name, data_type in facts["columns"]]
    )
    return {
        "dagster/row_count": dg.MetadataValue.int(facts["rows"]),
        "dagster/column_schema": dg.MetadataValue.table_schema(schema),
    }


def with_table_metadata(raw: Mapping[str, Any], events: Iterator[Any]) -> Iterator[Any]:
    """The Dagster events made from one dbt result event, its table's facts added."""
    facts = raw.get(FACTS_KEY)
    for event in events:
        if facts and isinstance(event, dg.Output | dg.AssetMaterialization):
            event = event.with_metadata({**event.metadata, **table_metadata(facts)})
        yield event
