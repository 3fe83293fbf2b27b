"""Write-audit-publish for a dbt step: what failed its tests is rolled back before anyone sees it.

`dbt build` commits a model before its tests run. DuckDB lets one process at a time open the
warehouse file (readers included), so nobody outside the step can see the warehouse while dbt
writes it; what matters is what is left when the step lets go. Before dbt runs, the step copies
what it may change into the `wap` schema (silver: only the run's sessions; gold and snapshots:
whole, they are small) and records that in `wap._pending`, in one transaction. If dbt fails (a
test, a constraint, a crash), the copies are put back in one transaction; if it passes, they are
dropped. A process killed mid-step leaves `wap._pending`: the next step (or export) restores
first. On Spark the same shape is "note each table's version, RESTORE TO it on failure".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

WAP_SCHEMA = "wap"
PENDING = f"{WAP_SCHEMA}._pending"
# dbt-duckdb's own scratch relations while it replaces a table.
SCRATCH_SUFFIXES = ("__dbt_tmp", "__dbt_backup")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _copy_name(schema: str, table: str) -> str:
    return f"{WAP_SCHEMA}.{_quote(f'{schema}__{table}')}"


def _tables(con: duckdb.DuckDBPyConnection, schemas: Sequence[str]) -> list[tuple[str, str]]:
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_type = 'BASE TABLE' and list_contains(?, table_schema) order by 1, 2",
        [list(schemas)],
    ).fetchall()
    return [(s, t) for s, t in rows if not t.endswith(SCRATCH_SUFFIXES)]


def _has_session_id(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.columns "
            "where table_schema = ? and table_name = ? and column_name = 'session_id'",
            [schema, table],
        ).fetchone()[0]
    )


def pending_audit(warehouse: Path) -> bool:
    """True when a step's copies are still in place: its dbt build never finished."""
    if not warehouse.exists():
        return False
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return bool(
            con.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = ? and table_name = '_pending'",
                [WAP_SCHEMA],
            ).fetchone()[0]
        )


def _backup(con: duckdb.DuckDBPyConnection, schemas: Sequence[str], keys: Sequence[str]) -> None:
    con.execute("begin")
    con.execute(f"create schema if not exists {WAP_SCHEMA}")
    con.execute(
        f"create or replace table {PENDING} (schemas varchar[], table_schema varchar, "
        "table_name varchar, session_keys varchar[])"
    )
    con.execute(f"insert into {PENDING} values (?, null, null, ?)", [list(schemas), list(keys)])
    for schema, table in _tables(con, schemas):
        by_session = bool(keys) and _has_session_id(con, schema, table)
        where = " where list_contains(?, session_id)" if by_session else ""
        con.execute(
            f"create table {_copy_name(schema, table)} as "
            f"select * from {_quote(schema)}.{_quote(table)}{where}",
            [list(keys)] if by_session else [],
        )
        con.execute(
            f"insert into {PENDING} values (null, ?, ?, ?)",
            [schema, table, list(keys) if by_session else None],
        )
    con.execute("commit")


def _restore(con: duckdb.DuckDBPyConnection) -> None:
    """Put every copy back, drop tables the failed build created, in one transaction."""
    rows = con.execute(f"select schemas, table_schema, table_name, session_keys from {PENDING}")
    rows = rows.fetchall()
    schemas = next(r[0] for r in rows if r[0] is not None)
    saved = {(r[1], r[2]): r[3] for r in rows if r[1] is not None}
    con.execute("begin")
    for schema, table in _tables(con, schemas):
        if (schema, table) not in saved:
            con.execute(f"drop table {_quote(schema)}.{_quote(table)}")
    for (schema, table), keys in saved.items():
        target = f"{_quote(schema)}.{_quote(table)}"
        if (schema, table) not in set(_tables(con, [schema])):
            con.execute(f"create table {target} as select * from {_copy_name(schema, table)}")
            continue
        if keys is None:
            con.execute(f"delete from {target}")
        else:
            con.execute(f"delete from {target} where list_contains(?, session_id)", [keys])
        con.execute(f"insert into {target} by name select * from {_copy_name(schema, table)}")
    con.execute("commit")


def _discard(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"drop schema if exists {WAP_SCHEMA} cascade")


def recover(warehouse: Path) -> bool:
    """Restore what a killed step left un-audited; True if there was anything to restore."""
    if not pending_audit(warehouse):
        return False
    with duckdb.connect(str(warehouse)) as con:
        _restore(con)
        _discard(con)
    return True


@contextmanager
def audited(warehouse: Path, schemas: Sequence[str], session_keys: Sequence[str]) -> Iterator[None]:
    """Keep the body's changes to `schemas` only if it returns; otherwise restore them."""
    recover(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        _backup(con, schemas, session_keys)
    try:
        yield
    except BaseException:
        with duckdb.connect(str(warehouse)) as con:
            _restore(con)
            _discard(con)
        raise
    with duckdb.connect(str(warehouse)) as con:
        _discard(con)
