"""The published generation (warehouse/exports/CURRENT) as pandas, Arrow or DuckDB views.

Every table and column name a caller passes is checked against the generation's manifest before
it reaches SQL, and values are bound as parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from f1_lakehouse.dashboard.export import Generation, current_generation
from f1_lakehouse.lib.session_keys import SessionKey
from f1_lakehouse.lib.settings import DataRoot, data_root

# Names the manifest may hold: dbt model and column names (lower snake case).
SAFE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class ReadError(LookupError):
    """A read the published data cannot answer; the message says what to do."""


class NothingPublished(ReadError):
    """No export generation exists yet."""


class UnknownTable(ReadError):
    """A table that is not published (the message lists the ones that are)."""


class UnknownColumn(ReadError):
    """A column the table does not have (the message lists the ones it has)."""


def generation(root: DataRoot | None = None) -> Generation:
    """The live generation, or a clear error naming how to make one."""
    root = root or data_root()
    live = current_generation(root)
    if live is None or not live.tables:
        raise NothingPublished(
            f"nothing is published under {root.path} yet: materialise gold and the "
            "dashboard/gold_export asset, or run `f1-lakehouse export`"
        )
    return live


def table_info(live: Generation, name: str) -> Mapping[str, Any]:
    if name not in live.tables or not SAFE_NAME.match(name):
        raise UnknownTable(
            f"no published table {name!r}; published: {', '.join(sorted(live.tables))}"
        )
    return live.tables[name]


def column_names(info: Mapping[str, Any]) -> list[str]:
    return [column["name"] for column in info["columns"]]


def check_column(name: str, info: Mapping[str, Any], table_name: str) -> str:
    names = column_names(info)
    if name not in names or not SAFE_NAME.match(name):
        raise UnknownColumn(f"{table_name} has no column {name!r}; its columns: {', '.join(names)}")
    return name


def tables(root: DataRoot | None = None) -> pd.DataFrame:
    """One row per published table: layer, rows, columns."""
    live = generation(root)
    return pd.DataFrame(
        [
            {
                "table": name,
                "layer": info["layer"],
                "rows": info["rows"],
                "columns": ", ".join(column_names(info)),
            }
            for name, info in sorted(live.tables.items())
        ]
    )


def _where(
    info: Mapping[str, Any], table_name: str, filters: Mapping[str, Any]
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in filters.items():
        check_column(column, info, table_name)
        if isinstance(value, list | tuple | set | frozenset):
            values = list(value)
            clauses.append(
                f'"{column}" in ({", ".join("?" for _ in values)})' if values else "false"
            )
            params.extend(values)
        elif value is None:
            clauses.append(f'"{column}" is null')
        else:
            clauses.append(f'"{column}" = ?')
            params.append(value)
    return (" where " + " and ".join(clauses)) if clauses else "", params


def table(
    name: str,
    session: str | None = None,
    *,
    arrow: bool = False,
    root: DataRoot | None = None,
    **filters: Any,
) -> pd.DataFrame | pa.Table:
    """One published table, optionally one session's rows (`session="2018-04-R"`) and equality
    filters (`driver_number="44"`, a list means any of)."""
    live = generation(root)
    info = table_info(live, name)
    if session is not None:
        # Raises InvalidSessionKey (a ValueError) with the expected form.
        filters = {"session_id": str(SessionKey.parse(session)), **filters}
    where, params = _where(info, name, filters)
    with duckdb.connect(":memory:") as con:
        result = con.sql(
            f"select * from read_parquet(?){where}", params=[str(live.table(name)), *params]
        )
        return result.to_arrow_table() if arrow else result.df()


def connect(root: DataRoot | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per published table, named after the model.

    The views read the generation's files lazily: a connection kept open for longer than the
    export's pruning grace (`F1_LAKEHOUSE_EXPORT_KEEP` newer generations and 5 minutes) should
    be opened again."""
    live = generation(root)
    con = duckdb.connect(":memory:")
    for name in sorted(live.tables):
        table_info(live, name)  # names are checked before they become identifiers
        path = str(live.table(name)).replace("'", "''")
        con.execute(f"create view \"{name}\" as select * from read_parquet('{path}')")
    return con
