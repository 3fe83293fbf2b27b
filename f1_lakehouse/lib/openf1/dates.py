"""OpenF1 timestamps: parse both of its ISO forms, and repair the recorded car_data gaps.

OpenF1 formats dates with Python's `isoformat`, which drops `.ffffff` when the microseconds are
0, so one response mixes `...T12:00:01+00:00` and `...T12:00:01.234000+00:00`. A parser that
infers a single format turns the whole-second rows into nulls; this one accepts both (and the
space-separated form some recordings were re-serialised with).
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_NS_PER_S = 1_000_000_000


class DateParseError(ValueError):
    """A value that is not an OpenF1 ISO 8601 date."""


class DateRepairError(ValueError):
    """Missing dates that the documented repair rule cannot reconstruct unambiguously."""


def parse_openf1_date(value: str) -> datetime:
    """Parse an OpenF1 date (with or without fractional seconds, `T` or space) as aware UTC.

    A date without an offset is taken as UTC, as OpenF1 documents all dates in UTC.
    """
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise DateParseError(f"not an OpenF1 ISO 8601 date: {value!r}") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_openf1_date(value: datetime) -> str:
    """Format like OpenF1 does (`isoformat`): `.ffffff` only when the microseconds are not 0."""
    return value.astimezone(UTC).isoformat()


def repair_missing_dates(dates: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, int]:
    """Fill each null date with `ceil(previous date to 1 s)`, the PROVENANCE.md rule.

    The recorded car_data lost exactly the whole-second rows, each of which is the unique whole
    second strictly between its neighbours, so the rule restores the original value. Where that
    cannot hold (a leading null, consecutive nulls, or a result not strictly between the
    neighbours) we refuse rather than invent a timestamp. Returns the repaired array and how
    many values were filled.
    """
    if isinstance(dates, pa.ChunkedArray):
        dates = dates.combine_chunks()
    missing = dates.null_count
    if missing == 0:
        return dates, 0
    unit_type = dates.type
    ns = pc.cast(dates, pa.timestamp("ns", tz=getattr(unit_type, "tz", None)))
    # Exact int64 nanoseconds (nulls as 0, replaced below) and null positions, both via Arrow:
    # to_numpy of an array with nulls would go through pandas and float64.
    values = ns.cast(pa.int64()).fill_null(0).to_numpy().copy()
    idx = pc.indices_nonzero(ns.is_null()).to_numpy()
    null_mask = np.zeros(len(values), dtype=bool)
    null_mask[idx] = True
    if idx[0] == 0:
        raise DateRepairError(
            "the first row has no date, so there is no previous date to repair from"
        )
    if null_mask[idx - 1].any():
        row = int(idx[null_mask[idx - 1]][0])
        raise DateRepairError(f"rows {row - 1} and {row} both lack a date: the repair is ambiguous")
    prev = values[idx - 1]
    filled = -(-prev // _NS_PER_S) * _NS_PER_S  # ceil to the whole second
    bad = filled <= prev
    has_next = idx + 1 < len(values)
    nxt_idx = np.minimum(idx + 1, len(values) - 1)
    nxt_valid = has_next & ~null_mask[nxt_idx]
    bad |= nxt_valid & (filled >= values[nxt_idx])
    if bad.any():
        row = int(idx[bad][0])
        raise DateRepairError(
            f"row {row}: ceil(previous date to 1 s) is not strictly between its neighbours"
        )
    values[idx] = filled
    repaired = pa.array(values, type=pa.int64()).cast(ns.type)
    return pc.cast(repaired, unit_type), int(missing)
