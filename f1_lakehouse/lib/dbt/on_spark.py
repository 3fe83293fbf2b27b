"""What a Dagster dbt step needs around dbt when its target is the local Spark session.

Before dbt: the process's Spark session is started with the profile's settings (dbt-spark's
`getOrCreate` then gets this one) and, for a step that reads bronze, the bronze external tables
are declared (new sessions' partitions recovered). After dbt: the session is stopped and its
embedded Derby metastore shut down, because Derby admits one process at a time: a run worker
that kept it booted after its step would make the next run's Spark step fail. With that, the
`spark` pool (one step at a time) serialises every Spark writer across runs and processes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from f1_lakehouse.lib.settings import DataRoot

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def start_spark(root: DataRoot, project_dir: Path, declare_bronze: bool) -> list[str]:
    """Start the session for `root`; declare bronze when the step reads it. Returns what was
    declared over files (for the step's log)."""
    from f1_lakehouse.lib.spark.external_tables import bronze_tables, declare_bronze_tables
    from f1_lakehouse.lib.spark.session import spark_session

    spark, _ = spark_session(root)
    if not declare_bronze:
        return []
    return declare_bronze_tables(spark, root, bronze_tables(project_dir))


def stop_spark() -> None:
    """Stop the process's Spark session and shut its Derby metastore down, so the next process
    can open it (a later step of this process starts a new session; Derby boots it again)."""
    from f1_lakehouse.lib.spark.session import running_session, stop_session

    session = running_session()
    if session is not None:
        stop_session(session)


def spark_table_facts(schema: str, name: str) -> dict[str, Any] | None:
    """Row count and columns of a Spark table, through the running session (in dbt's thread,
    when its result event fires). None when there is no session or no such table."""
    from pyspark.sql import SparkSession

    if not (_IDENTIFIER.match(schema) and _IDENTIFIER.match(name)):
        return None
    session = SparkSession.getActiveSession() or SparkSession._instantiatedSession
    if session is None:
        return None
    table = session.table(f"`{schema}`.`{name}`")
    return {"rows": int(table.count()), "columns": [tuple(c) for c in table.dtypes]}


def spark_query(root: DataRoot, sql: str) -> list[tuple] | None:
    """Rows of `sql` on the Spark session of `root` (started if needed); None when the first
    relation it names does not exist there (a model not built on Spark yet)."""
    from f1_lakehouse.lib.spark.session import spark_session

    spark, _ = spark_session(root)
    relation = re.search(r"\bfrom\s+([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)", sql)
    if relation and not spark.catalog.tableExists(relation.group(1)):
        return None
    return [tuple(row) for row in spark.sql(sql).collect()]
