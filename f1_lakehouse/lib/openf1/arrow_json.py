"""Read an OpenF1 response body straight into its bronze Arrow table, without Python rows.

A race's telemetry is ~1.5 M records; `json.loads` into dicts and `coerce_records` back out of
them cost seconds. Arrow's JSON reader parses in C++, but it reads objects, not a top-level
list, so the body is read as the one object `{"records": <body>}` whose field is declared as a
list of records with the endpoint's declared types.

This is only a shortcut for the plain case. The reader is told to fail on anything
`coerce_records` would treat specially (an undeclared field, a value of another JSON type, an
int that is not an integer literal), and the result is also refused when a record is null, a
declared field is never given a value (missing and all-null look alike here), a string is not
valid UTF-8 or a date does not cast. Then `read_body_table` returns None and the caller takes
the per-record path, which validates and coerces everything as before, so a bad body is still
rejected with the same error. What it accepts is exactly a JSON list of records: the wrapper
parses as a single object with no other field only if the body is one complete JSON value.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from f1_lakehouse.lib.openf1.coercion import SchemaDrift, coerce_records
from f1_lakehouse.lib.openf1.schemas import TIMESTAMP, bronze_schema, endpoint_fields

_FIELD = "records"
_OPEN, _CLOSE = b'{"' + _FIELD.encode() + b'": ', b"}"
# The type each declared kind is read as; dates are read as text and then cast exactly like
# `coerce_records` casts a column of date strings.
_READ_TYPES: dict[str, pa.DataType] = {
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "str": pa.string(),
    "ts": pa.string(),
}


def supports(endpoint: str) -> bool:
    """Whether every declared field of the endpoint has a plain JSON type the reader handles."""
    return all(kind in _READ_TYPES for kind in endpoint_fields(endpoint).values())


def read_body_table(endpoint: str, body: bytes) -> tuple[pa.Table, SchemaDrift] | None:
    """The bronze table and drift of a JSON body, or None if it needs the per-record path."""
    if not supports(endpoint):
        return None
    fields = endpoint_fields(endpoint)
    record = pa.struct([(name, _READ_TYPES[kind]) for name, kind in fields.items()])
    options = pj.ParseOptions(
        explicit_schema=pa.schema([(_FIELD, pa.list_(record))]),
        unexpected_field_behavior="error",
    )
    wrapped = b"".join((_OPEN, body, _CLOSE))
    # One block: the document is one object, however many lines it spans.
    reading = pj.ReadOptions(use_threads=False, block_size=len(wrapped) + 1)
    try:
        table = pj.read_json(pa.BufferReader(wrapped), reading, options)
    except pa.ArrowException:  # whatever Arrow refuses, the record path judges
        return None
    lists = table[_FIELD]
    if table.num_rows != 1 or lists.null_count:
        return None
    records = pc.list_flatten(lists)
    if records.null_count:
        return None  # a null among the records: not a list of records
    if len(records) == 0:
        return coerce_records(endpoint, [])  # `[]`, also what a "no results" 404 becomes
    columns: list[pa.ChunkedArray] = []
    for kind, column in zip(fields.values(), records.flatten(), strict=True):
        if column.null_count == len(column):
            return None  # never given a value: the record path tells missing from null
        try:
            if pa.types.is_string(column.type):
                column.validate(full=True)  # UTF-8: the reader does not check it
            if kind == "ts":
                column = pc.cast(column, TIMESTAMP)
        except pa.ArrowException:  # whatever Arrow refuses, the record path judges
            return None
        columns.append(column)
    rows = len(records)
    columns.append(pa.chunked_array([pa.nulls(rows, pa.string())]))  # nothing for _extra
    drift = SchemaDrift(endpoint, rows=rows, present=set(fields))
    return pa.Table.from_arrays(columns, schema=bronze_schema(endpoint)), drift
