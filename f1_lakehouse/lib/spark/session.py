"""The local Spark session dbt's `spark` target uses, started once per process.

dbt-spark's session method calls `SparkSession.builder...getOrCreate()`: whoever starts the JVM
first fixes its settings. These are the profile's `server_side_parameters` (a test keeps the two
equal), so the session the check starts for its own queries is the one dbt then gets, and the
Derby metastore and the Parquet tables live under the data root, not in the working directory.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from f1_lakehouse.lib.settings import DataRoot

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


class SparkUnavailableError(RuntimeError):
    """pyspark (the `spark` extra) or a Java runtime is missing."""


def spark_dir(root: DataRoot) -> Path:
    """Where Spark keeps its tables and metastore: `<root>/spark/`."""
    return root.path / "spark"


def spark_conf(root: DataRoot) -> dict[str, str]:
    """The session settings; mirrored in dbt_project/profiles.yml (target `spark`)."""
    base = spark_dir(root)
    if ";" in str(base):
        # the metastore is named in a JDBC URL, where `;` separates attributes
        raise ValueError(f"a data root for Spark cannot contain ';': {root.path}")
    return {
        "spark.master": "local[2]",
        "spark.app.name": "f1_lakehouse",
        "spark.sql.warehouse.dir": f"{base}/warehouse",
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={base}/metastore_db;create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={base}",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": "4",
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
        "spark.sql.parser.escapedStringLiterals": "true",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # dbt-spark forces ANSI mode off; the same here so direct queries read alike
        "spark.sql.ansi.enabled": "false",
    }


def spark_session(root: DataRoot) -> tuple[SparkSession, float]:
    """The process's Spark session (started if needed) and the seconds it took."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise SparkUnavailableError(
            "pyspark is not installed: `pip install -e '.[spark]'` (needs Java 17)"
        ) from exc
    spark_dir(root).mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_conf(root).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session, time.monotonic() - started
