"""Read an OpenF1 response body straight into its bronze Arrow table, without Python rows.

A race's telemetry is ~1.5 M records; `json.loads` into dicts and `coerce_records` back out
of them cost seconds. Arrow's JSON reader parses newline-delimited JSON in C++, so a body
`[{...}, {...}]` is cut into lines at its record separators and read against the declared
schema. This is only a shortcut for the plain case: the reader is told to fail on anything
`coerce_records` would treat specially (an undeclared field, a value of another JSON type, an
int that is not an integer literal, a date Arrow cannot cast), and then `read_body_table`
returns None so the caller takes the per-record path, which validates and coerces everything
as before. Values are identical either way (tested against `coerce_records`).

Why the cut is safe: the separators `}, {` and `},{` are replaced by `}\n{`, and the result is
accepted only when it parses to exactly one row per line. A separator found inside a string or
a nested value would leave a line with an open string or unbalanced braces, which the reader
rejects; a body with its own line breaks, or not shaped `[{...}]`, is never cut at all. So an
accepted body is exactly a JSON list of those objects.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from f1_lakehouse.lib.openf1.schemas import TIMESTAMP, SchemaDrift, bronze_schema, endpoint_fields

_SEPARATORS = (b"}, {", b"},{")  # Python's json.dumps, and compact JSON (the live API)
# The JSON type each declared kind is read as; dates are read as text and then cast exactly
# like `coerce_records` casts a column of date strings.
_READ_TYPES: dict[str, pa.DataType] = {
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "str": pa.string(),
    "ts": pa.string(),
}
_READ_OPTIONS = pj.ReadOptions(use_threads=True, block_size=4 << 20)


def supports(endpoint: str) -> bool:
    """Whether every declared field of the endpoint has a plain JSON type the reader handles."""
    return all(kind in _READ_TYPES for kind in endpoint_fields(endpoint).values())


def read_body_table(endpoint: str, body: bytes) -> tuple[pa.Table, SchemaDrift] | None:
    """The bronze table and drift of a JSON body, or None if it needs the per-record path."""
    if not supports(endpoint) or not _plain_list(body):
        return None
    fields = endpoint_fields(endpoint)
    lines = body[1:-1]
    rows = 1
    for separator in _SEPARATORS:
        rows += lines.count(separator)
        lines = lines.replace(separator, b"}\n{")
    schema = pa.schema([(name, _READ_TYPES[kind]) for name, kind in fields.items()])
    options = pj.ParseOptions(
        explicit_schema=schema, unexpected_field_behavior="error", newlines_in_values=False
    )
    try:
        table = pj.read_json(pa.BufferReader(lines), _READ_OPTIONS, options)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if table.num_rows != rows:
        return None
    columns: list[pa.Array] = []
    for name, kind in fields.items():
        column = table[name].combine_chunks()
        if column.null_count == len(column):
            return None  # a field sent only as null, or never sent: the record path tells which
        try:
            if pa.types.is_string(column.type):
                column.validate(full=True)  # UTF-8: the reader does not check it
            if kind == "ts":
                column = pc.cast(column, TIMESTAMP)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None
        columns.append(column)
    columns.append(pa.nulls(table.num_rows, pa.string()))  # nothing for _extra
    drift = SchemaDrift(endpoint, rows=table.num_rows, present=set(fields))
    return pa.Table.from_arrays(columns, schema=bronze_schema(endpoint)), drift


def _plain_list(body: bytes) -> bool:
    """`[{...}]` on one line: the only shape the separator cut is sound for."""
    return (
        body.startswith(b"[{") and body.endswith(b"}]") and b"\n" not in body and b"\r" not in body
    )
