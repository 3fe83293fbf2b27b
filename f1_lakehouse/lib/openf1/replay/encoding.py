"""Response bodies as OpenF1 writes them: compact JSON, telemetry built column-wise by Arrow.

Telemetry answers are slices of one prebuilt buffer per recorded file (`json_objects`, then
`joined_rows`), so serving 1.5 M rows costs no Python object per row.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from f1_lakehouse.lib.openf1.replay.errors import ReplayDataError

Piece = bytes | pa.Buffer  # a part of a response body, sent as is


def dumps(value: Any) -> bytes:
    """JSON as OpenF1 (FastAPI) writes it: compact, UTF-8 unescaped."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def json_objects(table: pa.Table) -> pa.ChunkedArray | pa.Array:
    """Each row as a JSON object followed by `,` (bytes), built column-wise by Arrow: serving
    1.5 M telemetry rows through `to_pylist` + `json.dumps` would make the replay, not the
    client, the bottleneck. Strings go through `json.dumps` (escaping); numbers through Arrow's
    cast; null -> null. The trailing separator lets a response be one slice of the buffer.
    A column with one value throughout (the session, meeting and driver keys of a file) is
    written once into the text between the others, not once per row."""
    pieces: list[Any] = []
    literal = "{"  # the text before the next column's values
    for name in table.column_names:
        column = table[name]
        literal += dumps(name).decode() + ":"
        closing = ""
        if pa.types.is_string(column.type):
            if _needs_escaping(column):
                values = [None if v is None else dumps(v).decode() for v in column.to_pylist()]
                text = pa.array(values, type=pa.string())
            elif column.null_count == 0:  # dates: the quotes join the literals around them
                text, literal, closing = column, literal + '"', '"'
            else:
                text = pc.binary_join_element_wise('"', column, '"', "")
        elif _is_constant_int(column):
            literal += pc.cast(column.slice(0, 1), pa.string())[0].as_py() + ","
            continue
        elif pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
            text = pc.cast(column, pa.string())
        else:
            raise ReplayDataError(f"cannot serve telemetry column {name!r} of type {column.type}")
        pieces += [literal, pc.fill_null(text, "null") if text.null_count else text]
        literal = closing + ","
    ending = literal.removesuffix(",") + "},"
    if not pieces:
        return pa.array([ending.encode()] * table.num_rows, type=pa.binary())
    return pc.cast(pc.binary_join_element_wise(*pieces, ending, ""), pa.binary())


def _is_constant_int(column: pa.ChunkedArray | pa.Array) -> bool:
    if not pa.types.is_integer(column.type) or len(column) == 0 or column.null_count:
        return False
    bounds = pc.min_max(column)
    return bool(bounds["min"] == bounds["max"])


def _needs_escaping(column: pa.ChunkedArray | pa.Array) -> bool:
    """Whether any string holds `"`, `\\` or a control character (bytes < 0x20)."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    for chunk in chunks:
        if len(chunk) == 0:
            continue
        _, offsets, values = chunk.buffers()
        if values is None:
            continue
        bounds = np.frombuffer(offsets, dtype=np.int32)[[chunk.offset, chunk.offset + len(chunk)]]
        data = np.frombuffer(values, dtype=np.uint8)[bounds[0] : bounds[1]]
        if ((data < 0x20) | (data == ord('"')) | (data == ord("\\"))).any():
            return True
    return False


def joined_rows(rows: pa.Array) -> pa.Buffer:
    """Rows of `json_objects` as `row,row,row`: a view of Arrow's value buffer, no Python
    object per row (a slice or filter result keeps its values contiguous)."""
    _, offsets, values = rows.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int32)[[rows.offset, rows.offset + len(rows)]]
    start, end = int(bounds[0]), int(bounds[1])
    return values.slice(start, end - start - len(b","))


def format_openf1_dates(micros: pa.Array) -> pa.Array:
    """Vectorised `format_openf1_date`: ISO with `+00:00`, `.ffffff` dropped when it is 0.

    Arrow's cast of a naive timestamp prints `YYYY-MM-DD HH:MM:SS.ffffff`; `strftime` would do
    the same ~8x slower (it resolves the time zone per value)."""
    naive = micros.cast(pa.int64()).cast(pa.timestamp("us"))
    text = pc.replace_substring(pc.cast(naive, pa.string()), " ", "T", max_replacements=1)
    text = pc.replace_substring(text, ".000000", "")  # the only "." is the fraction's
    return pc.binary_join_element_wise(text, "+00:00", "")


def round_to_micros(dates: pa.Array) -> pa.Array:
    """OpenF1 dates have microsecond precision; the recorded parquet carries float noise in
    the nanoseconds (up to ~128 ns), so round to the nearest microsecond rather than truncate."""
    nanos = pc.cast(dates, pa.timestamp("ns", tz="UTC")).cast(pa.int64())
    micros = pc.divide(pc.add(nanos, 500), 1000)  # integer division: dates are after 1970
    return micros.cast(pa.timestamp("us", tz="UTC"))
