"""OpenF1-style filters from a raw query string: `position<=3&session_id=2018-04-R`.

`<=` lives in the key (`position<` = `3` to a standard parser), so the query string is split by
hand. Every column is checked against the table's published schema and every value converted
to the column's type (or validated as a session key) before anything reaches SQL; values are
then bound as parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from f1_lakehouse.lib.session_keys import InvalidSessionKey, SessionKey

OPERATORS = ("<=", ">=", "!=", "<", ">", "=")
_PART = re.compile(r"^(?P<key>[^<>=!]*)(?P<op><=|>=|!=|<|>|=)(?P<value>.*)$", re.DOTALL)
# Parameters that are not filters.
CONTROL = ("csv", "limit", "offset")
INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                 "USMALLINT", "UINTEGER", "UBIGINT")  # fmt: skip
FLOAT_TYPES = ("FLOAT", "DOUBLE", "REAL")
# A DuckDB type name as the manifest records it (`TIMESTAMP WITH TIME ZONE`, `DECIMAL(5,1)`).
SAFE_TYPE = re.compile(r"^[A-Z][A-Z0-9_ ]*(\(\d+(,\s*\d+)?\))?$")
SAFE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
SESSION_COLUMNS = ("session_id", "valid_from_session_id")


class FilterError(ValueError):
    """A query the API will not run; the message says why (sent back with a 4xx)."""


@dataclass(frozen=True)
class Filter:
    column: str
    op: str
    value: Any
    column_type: str


@dataclass(frozen=True)
class Query:
    filters: tuple[Filter, ...]
    controls: Mapping[str, str]


def split_query(raw: str) -> list[tuple[str, str, str]]:
    """(key, operator, value) per `&`-separated part, percent-decoded."""
    parts = []
    for chunk in raw.split("&"):
        if not chunk:
            continue
        text = unquote_plus(chunk)
        match = _PART.match(text)
        if match is None or not match["key"]:
            raise FilterError(
                f"cannot read the query part {text!r}: use column<op>value with one of "
                f"{' '.join(OPERATORS)}, e.g. position<=3"
            )
        parts.append((match["key"].strip(), match["op"], match["value"]))
    return parts


def _convert(column: str, column_type: str, value: str) -> Any:
    base = column_type.split("(")[0].strip()
    try:
        if base in INTEGER_TYPES:
            return int(value)
        if base in FLOAT_TYPES or base == "DECIMAL":
            return float(value)
    except ValueError:
        raise FilterError(f"{column} is {column_type}: {value!r} is not a number") from None
    if base == "BOOLEAN":
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise FilterError(f"{column} is BOOLEAN: use true or false, not {value!r}")
        return lowered == "true"
    if column in SESSION_COLUMNS:
        try:
            return str(SessionKey.parse(value))
        except InvalidSessionKey as exc:
            raise FilterError(f"{column}: {exc}") from None
    return value


def parse_query(raw: str, columns: Sequence[Mapping[str, str]], table: str) -> Query:
    """The filters and control parameters of one request against one table's columns."""
    types = {c["name"]: c["type"] for c in columns}
    filters: list[Filter] = []
    controls: dict[str, str] = {}
    for key, op, value in split_query(raw):
        if key in CONTROL:
            if op != "=":
                raise FilterError(f"{key} takes '=', e.g. {key}=...")
            controls[key] = value
            continue
        if key not in types or not SAFE_NAME.match(key):
            raise FilterError(f"{table} has no column {key!r}; its columns: {', '.join(types)}")
        column_type = types[key]
        if not SAFE_TYPE.match(column_type):
            raise FilterError(f"{table}.{key} ({column_type}) cannot be filtered")
        filters.append(Filter(key, op, _convert(key, column_type, value), column_type))
    return Query(tuple(filters), controls)


def where_clause(filters: Sequence[Filter]) -> tuple[str, list[Any]]:
    """SQL over whitelisted identifiers and bound values only."""
    clauses, params = [], []
    for f in filters:
        clauses.append(f'"{f.column}" {f.op if f.op != "!=" else "<>"} cast(? as {f.column_type})')
        params.append(f.value)
    return (" where " + " and ".join(clauses)) if clauses else "", params
