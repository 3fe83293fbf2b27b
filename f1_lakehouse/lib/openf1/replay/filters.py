"""OpenF1's query filters, as the live API applies them, on JSON rows and on telemetry tables.

`field=value` (repeated = OR), `field>=value`, `>`, `<=`, `<`; dates are compared as instants.
The JSON endpoints are matched row by row; telemetry is matched by a vectorised mask, and a
time window of a date-ordered file becomes a slice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.compute as pc

from f1_lakehouse.lib.openf1.dates import DateParseError, parse_openf1_date

Filter = tuple[str, str, str]
_FILTER_RE = re.compile(r"(?P<field>[A-Za-z_][A-Za-z0-9_]*)(?P<op>>=|<=|=|>|<)(?P<value>.*)")
_VECTOR_COMPARE = {
    "=": pc.equal,
    ">=": pc.greater_equal,
    "<=": pc.less_equal,
    ">": pc.greater,
    "<": pc.less,
}


def parse_filters(query: str) -> list[Filter]:
    """Decode `date%3E=T&driver_number=1` -> [("date", ">=", T), ("driver_number", "=", 1)].

    OpenF1 reads the raw query, so `date%3CT` (no `=`) is the filter `date < T`.
    """
    filters: list[Filter] = []
    for part in query.split("&"):
        if not part:
            continue
        match = _FILTER_RE.fullmatch(unquote(part))
        if match is None:
            raise ValueError(f"cannot read filter {unquote(part)!r}")
        filters.append((match["field"], match["op"], match["value"]))
    return filters


def _as_instant(value: str) -> datetime | None:
    try:
        return parse_openf1_date(value)
    except DateParseError:
        return None


def _compare(left: Any, op: str, right: Any) -> bool:
    if op == "=":
        return bool(left == right)
    if op == ">=":
        return bool(left >= right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left < right)


def _coerce_like(row_value: Any, text: str) -> tuple[Any, Any] | None:
    """Row value and filter value made comparable, or None when they cannot be compared."""
    if isinstance(row_value, bool):
        return row_value, text.strip().lower() == "true"
    if isinstance(row_value, int | float):
        try:
            return row_value, float(text)
        except ValueError:
            return None
    if isinstance(row_value, str):
        left, right = _as_instant(row_value), _as_instant(text)
        if left is not None and right is not None and "-" in text:
            return left, right
        return row_value, text
    return None


def row_matches(row: dict[str, Any], filters: Sequence[Filter]) -> bool:
    """Whether one JSON row passes every filter (repeated `=` filters on a field are ORed)."""
    equal: dict[str, bool] = {}
    for name, op, text in filters:
        pair = _coerce_like(row.get(name), text)
        ok = pair is not None and _compare(pair[0], op, pair[1])
        if op == "=":
            equal[name] = equal.get(name, False) or ok  # repeated equal filters are ORed
        elif not ok:
            return False
    return all(equal.values())


def table_mask(table: pa.Table, filters: Sequence[Filter]) -> pa.Array | None:
    """The same filter semantics, vectorised over a telemetry table (dates by its `_ts` key)."""
    mask: pa.Array | None = None
    equal: dict[str, pa.Array] = {}
    for name, op, text in filters:
        if name == "date":
            instant = _as_instant(text)
            if instant is None:
                raise ValueError(f"cannot read date filter {text!r}")
            column = table["_ts"]
            value: Any = int(instant.timestamp() * 1_000_000)
        elif name in table.column_names:
            column = table[name]
            numeric = pa.types.is_integer(column.type) or pa.types.is_floating(column.type)
            try:
                value = float(text) if numeric else text
            except ValueError:
                value = None
        else:
            value = None
        if value is None:
            cond = pa.array([False] * table.num_rows)
        else:
            cond = _VECTOR_COMPARE[op](column, value)
        cond = pc.fill_null(cond, False)
        if op == "=":
            equal[name] = pc.or_(equal[name], cond) if name in equal else cond
        else:
            mask = cond if mask is None else pc.and_(mask, cond)
    for cond in equal.values():
        mask = cond if mask is None else pc.and_(mask, cond)
    return mask


def select_rows(rows: pa.ChunkedArray, mask: pa.Array | None) -> pa.ChunkedArray:
    """The rows a mask keeps; a time window of a date-ordered file is a slice (no copy)."""
    if mask is None:
        return rows
    hits = pc.indices_nonzero(mask)
    if len(hits) == 0:
        return rows.slice(0, 0)
    first, last = hits[0].as_py(), hits[len(hits) - 1].as_py()
    if last - first + 1 == len(hits):
        return rows.slice(first, len(hits))
    return rows.filter(mask)
