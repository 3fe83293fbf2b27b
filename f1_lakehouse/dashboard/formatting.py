"""How the dashboard shows times and tables: lap times read as m:ss.mmm, sorted as numbers."""

from __future__ import annotations

import math

import pandas as pd

from f1_lakehouse.lib.lap_time import format_lap_time


def format_gap(ms: float | int | None) -> str:
    """A gap to the fastest lap in seconds (`+0.412`); the fastest itself shows as blank."""
    if ms is None or (isinstance(ms, float) and math.isnan(ms)) or ms is pd.NA:
        return ""
    return f"+{float(ms) / 1000:.3f}" if ms else ""


def sort_by_lap_time(frame: pd.DataFrame, column: str = "lap_time_ms") -> pd.DataFrame:
    """Rows in lap-time order by the number of milliseconds (never by the formatted text, where
    `10:02.000` would come before `9:59.000`); missing times last."""
    return frame.sort_values(column, kind="stable", na_position="last").reset_index(drop=True)


def lap_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A display copy of a lap table: every `*_ms` lap column formatted as m:ss.mmm text next to
    a numeric seconds column, so the page reads naturally and still sorts by value."""
    shown = frame.copy()
    if "lap_time_ms" in shown:
        fastest = shown["lap_time_ms"].min()
        shown.insert(
            shown.columns.get_loc("lap_time_ms"),
            "lap_time",
            shown["lap_time_ms"].map(format_lap_time),
        )
        shown["gap"] = (shown["lap_time_ms"] - fastest).map(format_gap)
        shown["lap_time_s"] = shown["lap_time_ms"] / 1000
        shown = shown.drop(columns="lap_time_ms")
    for column in [c for c in shown.columns if c.endswith("_ms")]:
        if column.startswith("sector"):
            shown[column.removesuffix("_ms") + "_s"] = shown[column] / 1000
        else:
            shown[column.removesuffix("_ms")] = shown[column].map(format_lap_time)
        shown = shown.drop(columns=column)
    return shown
