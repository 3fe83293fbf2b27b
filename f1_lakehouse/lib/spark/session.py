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


METASTORE_URL = "spark.hadoop.javax.jdo.option.ConnectionURL"
# Derby's answers to a database shutdown: done (08006), or never booted here (XJ004).
DERBY_SHUTDOWN_OK = ("08006", "XJ004")


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
        METASTORE_URL: f"jdbc:derby:;databaseName={base}/metastore_db;create=true",
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


def metastore_shutdown_url(connection_url: str) -> str:
    """The JDBC URL that shuts down only this Derby database (a system shutdown would
    deregister Derby's driver, and no later session of the process could open a metastore)."""
    return connection_url.removesuffix(";create=true") + ";shutdown=true"


def running_session() -> SparkSession | None:
    """The process's Spark session, if one is running."""
    from pyspark.sql import SparkSession

    return SparkSession.getActiveSession() or SparkSession._instantiatedSession


def stop_session(session: SparkSession) -> None:
    """Stop `session` and shut down the Derby metastore database it opened, so another
    process, or a session of this one for another root, can open a metastore."""
    url = session.sparkContext.getConf().get(METASTORE_URL)
    jvm = session._jvm
    session.stop()
    if not url:
        return
    try:
        jvm.java.sql.DriverManager.getConnection(metastore_shutdown_url(url))
    except Exception as exc:  # Derby signals a clean shutdown with an exception
        if not any(state in str(exc) for state in DERBY_SHUTDOWN_OK):
            raise


def spark_session(root: DataRoot) -> tuple[SparkSession, float]:
    """The process's Spark session for `root` (started if needed) and the seconds it took.

    A session already running for another root is stopped first: `getOrCreate` would return it
    unchanged (its warehouse and metastore are fixed at start), and tables would land there."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise SparkUnavailableError(
            "pyspark is not installed: `pip install -e '.[spark]'` (needs Java 17)"
        ) from exc
    conf = spark_conf(root)
    spark_dir(root).mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    existing = running_session()
    if (
        existing is not None
        and existing.sparkContext.getConf().get(METASTORE_URL) != conf[METASTORE_URL]
    ):
        stop_session(existing)
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session, time.monotonic() - started
