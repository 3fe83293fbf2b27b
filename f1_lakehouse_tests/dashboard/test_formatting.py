"""Lap times read as m:ss.mmm and sort by value, never by their text."""

import math

import pandas as pd
import pytest

from f1_lakehouse.dashboard.formatting import (
    format_gap,
    format_lap_time,
    lap_table,
    sort_by_lap_time,
)


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (105_149, "1:45.149"),  # Bottas, Baku 2018
        (60_000, "1:00.000"),
        (59_999, "0:59.999"),
        (65_004, "1:05.004"),
        (600_000, "10:00.000"),
        (0, "0:00.000"),
        (105_149.4, "1:45.149"),
        (None, "-"),
        (math.nan, "-"),
        (pd.NA, "-"),
    ],
)
def test_format_lap_time(ms, text):
    assert format_lap_time(ms) == text


def test_format_gap():
    assert format_gap(412) == "+0.412"
    assert format_gap(0) == ""
    assert format_gap(None) == ""


def test_sort_is_numeric_where_text_order_is_wrong():
    laps = pd.DataFrame(
        {"driver": ["A", "B", "C", "D"], "lap_time_ms": [602_000, 99_500, None, 105_149]}
    )
    texts = laps["lap_time_ms"].map(format_lap_time)
    assert sorted(texts.tolist()) == ["-", "10:02.000", "1:39.500", "1:45.149"]  # the text trap
    ordered = sort_by_lap_time(laps)
    assert ordered["driver"].tolist() == ["B", "D", "A", "C"]


def test_lap_table_formats_and_keeps_a_numeric_column():
    top = pd.DataFrame(
        {
            "rank": [1, 2],
            "abbreviation": ["BOT", "BOT"],
            "lap_time_ms": [105_149, 105_300],
            "sector1_ms": [30_001, 30_100],
            "best_lap_ms": [105_149, None],
        }
    )
    shown = lap_table(top)
    assert shown["lap_time"].tolist() == ["1:45.149", "1:45.300"]
    assert shown["lap_time_s"].tolist() == [105.149, 105.3]
    assert shown["gap"].tolist() == ["", "+0.151"]
    assert shown["sector1_s"].tolist() == [30.001, 30.1]
    assert shown["best_lap"].tolist() == ["1:45.149", "-"]
    assert not [c for c in shown.columns if c.endswith("_ms")]
