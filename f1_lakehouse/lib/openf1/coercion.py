"""OpenF1 records cast onto their endpoint's declared bronze schema, losing nothing.

* a declared field missing from the records becomes null;
* a field we do not declare is kept, JSON-encoded, in the `_extra` column (a JSON object);
* a value that cannot be coerced to its declared type is nulled in its column and kept, as
  sent, under its field name in `_extra`.

Every such change is reported as `SchemaDrift` for the asset metadata instead of crashing.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from f1_lakehouse.lib.openf1.dates import DateParseError, parse_openf1_date
from f1_lakehouse.lib.openf1.schemas import KIND_TYPES, bronze_schema, endpoint_fields


@dataclass
class SchemaDrift:
    """What differed from the declared schema, accumulated over one or more batches: fields
    added, declared fields no record carried or only some records carried, values converted
    from another JSON type (`"4"` for 4: kept, but counted, since a changed type can change
    meaning or keys) and values that could not be converted."""

    endpoint: str
    rows: int = 0
    present: set[str] = field(default_factory=set)
    added: Counter[str] = field(default_factory=Counter)
    type_errors: Counter[str] = field(default_factory=Counter)
    coerced: Counter[str] = field(default_factory=Counter)
    # declared field -> records without it
    absent: Counter[str] = field(default_factory=Counter)

    @property
    def missing(self) -> list[str]:
        """Declared fields that no record carried (only meaningful when there were rows)."""
        if not self.rows:
            return []
        return [name for name in endpoint_fields(self.endpoint) if name not in self.present]

    @property
    def partly_missing(self) -> dict[str, int]:
        """Declared fields some records carried and others did not: records without each."""
        return {name: n for name, n in sorted(self.absent.items()) if 0 < n < self.rows}

    @property
    def changed(self) -> bool:
        return bool(
            self.added or self.type_errors or self.missing or self.coerced or self.partly_missing
        )

    def merge(self, other: SchemaDrift) -> None:
        self.rows += other.rows
        self.present |= other.present
        self.added.update(other.added)
        self.type_errors.update(other.type_errors)
        self.coerced.update(other.coerced)
        self.absent.update(other.absent)

    def as_metadata(self) -> dict[str, Any]:
        """Plain values for asset metadata."""
        return {
            "schema_added_fields": sorted(self.added),
            "schema_missing_fields": self.missing,
            "schema_partly_missing_fields": self.partly_missing,
            "schema_coerced_values": dict(sorted(self.coerced.items())),
            "schema_type_errors": dict(sorted(self.type_errors.items())),
        }

    def summary(self) -> str:
        if not self.changed:
            return "matches the declared schema"
        parts = []
        if self.added:
            parts.append("added (kept in _extra): " + ", ".join(sorted(self.added)))
        if self.missing:
            parts.append("missing (null): " + ", ".join(self.missing))
        if self.partly_missing:
            parts.append(
                f"missing from some of {self.rows} records (null): "
                + ", ".join(f"{k} x{v}" for k, v in self.partly_missing.items())
            )
        if self.coerced:
            parts.append(
                "values of another type, converted: "
                + ", ".join(f"{k} x{v}" for k, v in sorted(self.coerced.items()))
            )
        if self.type_errors:
            parts.append(
                "uncoercible values (kept in _extra): "
                + ", ".join(f"{k} x{v}" for k, v in sorted(self.type_errors.items()))
            )
        return "; ".join(parts)


def coerce_records(
    endpoint: str, records: Sequence[dict[str, Any]]
) -> tuple[pa.Table, SchemaDrift]:
    """Records as returned by OpenF1 -> a table with exactly the declared bronze schema."""
    fields = endpoint_fields(endpoint)
    drift = SchemaDrift(endpoint, rows=len(records))
    keys: set[str] = set().union(*(record.keys() for record in records)) if records else set()
    drift.present = keys & fields.keys()
    extras: list[dict[str, Any] | None] = [None] * len(records)

    def keep(row: int, name: str, value: Any) -> None:
        slot = extras[row]
        if slot is None:
            slot = extras[row] = {}
        slot[name] = value

    columns: list[pa.Array] = []
    for name, kind in fields.items():
        values = [record.get(name) for record in records]
        array, rejected, coerced = _coerce_column(values, kind)
        for row in rejected:
            keep(row, name, values[row])
        drift.type_errors.update({name: len(rejected)} if rejected else {})
        drift.coerced.update({name: coerced} if coerced else {})
        absent = len(records) - (sum(name in r for r in records) if name in keys else 0)
        drift.absent.update({name: absent} if absent else {})
        columns.append(array)
    for name in sorted(keys - fields.keys()):
        for row, record in enumerate(records):
            if name in record:
                keep(row, name, record[name])
                drift.added[name] += 1
    extra = [None if slot is None else json.dumps(slot, sort_keys=True) for slot in extras]
    columns.append(pa.array(extra, type=pa.string()))
    return pa.Table.from_arrays(columns, schema=bronze_schema(endpoint)), drift


# --- per column and per value ---------------------------------------------------------------

_FAST_TYPES: dict[str, frozenset[type]] = {
    "int": frozenset({int, type(None)}),
    "float": frozenset({int, float, type(None)}),
    "bool": frozenset({bool, type(None)}),
    "str": frozenset({str, type(None)}),
    "text": frozenset({str, type(None)}),
    "ts": frozenset({str, type(None)}),
}
_REJECT = object()


def _coerce_column(values: list[Any], kind: str) -> tuple[pa.Array, list[int], int]:
    """Coerce one column: a vectorised path for clean values, per value otherwise.

    Returns the array, the rows whose value could not be coerced (nulled in the array) and how
    many values were converted from a JSON type the kind does not declare.
    """
    pa_type = KIND_TYPES[kind]
    types = set(map(type, values))
    if kind in _FAST_TYPES and types <= _FAST_TYPES[kind]:
        try:
            if kind == "ts":
                return pc.cast(pa.array(values, type=pa.string()), pa_type), [], 0
            return pa.array(values, type=pa_type), [], 0
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, UnicodeEncodeError):
            pass  # e.g. an out-of-range int, an odd date, a lone surrogate: per-value rules
    coerce = _COERCERS[kind]
    native = _NATIVE_TYPES.get(kind)
    out: list[Any] = []
    rejected: list[int] = []
    coerced = 0
    for row, value in enumerate(values):
        result = None if value is None else coerce(value)
        if result is _REJECT:
            rejected.append(row)
            result = None
        elif value is not None and native is not None and not _is_native(value, kind, native):
            coerced += 1
        out.append(result)
    return pa.array(out, type=pa_type), rejected, coerced


# The JSON types each kind takes as they are; any other accepted value is a conversion. "text"
# holds any JSON value as text by design, so it has none.
_NATIVE_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "str": (str,),
    "ts": (str,),
    "ints": (list,),
}


def _is_native(value: Any, kind: str, native: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and kind != "bool":
        return False  # True is an int to Python, not to JSON
    if kind == "ints":
        return all(item is None or _is_native(item, "int", (int,)) for item in value)
    return isinstance(value, native)


def _to_int(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else _REJECT
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else _REJECT
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return _REJECT
        return _to_int(number)
    return _REJECT


def _to_float(value: Any) -> Any:
    if isinstance(value, bool | int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return _REJECT
    return _REJECT


def _to_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return _REJECT


def _to_str(value: Any) -> Any:
    if isinstance(value, str):
        return value if _is_utf8(value) else _REJECT
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return _REJECT


def _to_text(value: Any) -> Any:
    if isinstance(value, str):
        return value if _is_utf8(value) else _REJECT
    return json.dumps(value)


def _is_utf8(value: str) -> bool:
    """JSON may escape a lone surrogate (`"\\ud83d"`); Arrow strings cannot hold one."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _to_ts(value: Any) -> Any:
    if not isinstance(value, str):
        return _REJECT
    try:
        return parse_openf1_date(value)
    except DateParseError:
        return _REJECT


def _to_ints(value: Any) -> Any:
    if not isinstance(value, list):
        return _REJECT
    items = [None if item is None else _to_int(item) for item in value]
    return _REJECT if any(item is _REJECT for item in items) else items


_COERCERS: dict[str, Callable[[Any], Any]] = {
    "int": _to_int,
    "float": _to_float,
    "bool": _to_bool,
    "str": _to_str,
    "text": _to_text,
    "ts": _to_ts,
    "ints": _to_ints,
}
