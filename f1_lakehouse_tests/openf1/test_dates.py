"""OpenF1 date parsing (both forms) and the PROVENANCE repair of the recorded car_data NaTs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from f1_lakehouse.lib.openf1.dates import (
    DateParseError,
    DateRepairError,
    format_openf1_date,
    parse_openf1_date,
    repair_missing_dates,
)
from f1_lakehouse.lib.openf1.replay import DEFAULT_DATA, format_openf1_dates

CAR_DATA = sorted(DEFAULT_DATA.glob("*/race_9606/car_data/*.parquet"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-09-22T11:06:58.452000+00:00", datetime(2024, 9, 22, 11, 6, 58, 452000, UTC)),
        ("2024-09-22T13:16:53+00:00", datetime(2024, 9, 22, 13, 16, 53, tzinfo=UTC)),
        ("2024-09-22 11:07:46.576000+00:00", datetime(2024, 9, 22, 11, 7, 46, 576000, UTC)),
        ("2024-09-22T12:00:00Z", datetime(2024, 9, 22, 12, tzinfo=UTC)),
        ("2023-09-16T13:03:35.200", datetime(2023, 9, 16, 13, 3, 35, 200000, UTC)),
        ("2024-09-22T20:00:00+08:00", datetime(2024, 9, 22, 12, tzinfo=UTC)),
    ],
)
def test_parse_both_forms(text: str, expected: datetime) -> None:
    parsed = parse_openf1_date(text)
    assert parsed == expected and parsed.tzinfo == UTC


def test_parse_rejects_garbage() -> None:
    with pytest.raises(DateParseError, match="not an OpenF1 ISO 8601 date"):
        parse_openf1_date("22/09/2024")


def test_format_drops_zero_microseconds_like_openf1() -> None:
    assert format_openf1_date(datetime(2024, 9, 22, 13, 16, 53, tzinfo=UTC)) == (
        "2024-09-22T13:16:53+00:00"
    )
    sgt = timezone(timedelta(hours=8))
    assert format_openf1_date(datetime(2024, 9, 22, 20, 0, 0, 5, tzinfo=sgt)) == (
        "2024-09-22T12:00:00.000005+00:00"
    )


def _ts(values: list[str | None]) -> pa.Array:
    return pa.array(
        [None if v is None else parse_openf1_date(v) for v in values],
        type=pa.timestamp("ns", tz="UTC"),
    )


def test_repair_fills_the_whole_second_between_neighbours() -> None:
    dates = _ts(["2024-09-22T13:16:52.652", None, "2024-09-22T13:16:53.372"])
    repaired, filled = repair_missing_dates(dates)
    assert filled == 1
    assert repaired[1].as_py() == datetime(2024, 9, 22, 13, 16, 53, tzinfo=UTC)
    assert repaired.type == dates.type


def test_repair_without_gaps_is_a_no_op() -> None:
    dates = _ts(["2024-09-22T13:16:52.652", "2024-09-22T13:16:53.372"])
    repaired, filled = repair_missing_dates(dates)
    assert filled == 0 and repaired.equals(dates)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([None, "2024-09-22T13:16:53.372"], "first row"),
        (["2024-09-22T13:16:52.652", None, None, "2024-09-22T13:16:54.1"], "ambiguous"),
        (["2024-09-22T13:16:52.652", None, "2024-09-22T13:16:52.900"], "strictly between"),
        (["2024-09-22T13:16:52", None, "2024-09-22T13:16:52.900"], "strictly between"),
    ],
)
def test_repair_refuses_to_invent(values: list[str | None], message: str) -> None:
    with pytest.raises(DateRepairError, match=message):
        repair_missing_dates(_ts(values))


def test_recorded_car_data_has_700_repairable_gaps() -> None:
    assert len(CAR_DATA) == 20
    total = 0
    for path in CAR_DATA:
        dates = pq.read_table(path, columns=["date"])["date"]
        repaired, filled = repair_missing_dates(dates)
        assert filled == 35, path.name
        total += filled
        ns = repaired.cast(pa.int64()).to_numpy()
        was_null = np.asarray(dates.is_null().to_numpy(zero_copy_only=False))
        assert (ns[was_null] % 1_000_000_000 == 0).all()  # whole seconds
        assert (np.diff(ns) > 0).all()  # strictly increasing: between its neighbours
    assert total == 700


def test_vectorised_formatting_matches_openf1_form() -> None:
    dates = pq.read_table(CAR_DATA[0], columns=["date"])["date"]
    repaired, _ = repair_missing_dates(dates)
    micros = pa.array(
        [d.replace(nanosecond=0) for d in repaired.to_pandas().dt.round("us")],
        type=pa.timestamp("us", tz="UTC"),
    )
    fast = format_openf1_dates(micros).to_pylist()
    assert fast == [format_openf1_date(d) for d in micros.to_pylist()]
    assert sum(1 for text in fast if "." not in text) == 35


def test_repair_keeps_every_recorded_date_exactly() -> None:
    dates = pq.read_table(CAR_DATA[0], columns=["date"])["date"].combine_chunks()
    repaired, _ = repair_missing_dates(dates)
    kept = pc.is_valid(dates)
    original = pc.filter(dates, kept).cast(pa.int64())
    # Not via float64: nanosecond dates of 2024 are beyond its 53-bit exact range.
    assert pc.filter(repaired, kept).cast(pa.int64()).equals(original)
