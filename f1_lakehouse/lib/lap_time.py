"""Lap times as people read them (m:ss.mmm), for every place that shows one: page, summary."""

from __future__ import annotations


def format_lap_time(ms: float | int | None) -> str:
    """Milliseconds as m:ss.mmm (`105149` → `1:45.149`); unknown (None, NaN, pandas' NA) as "-".

    Takes no pandas import: `float()` refuses None and NA, and `round()` refuses NaN."""
    try:
        total = round(float(ms))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "-"
    if total < 0:
        return "-" + format_lap_time(-total)
    minutes, rest = divmod(total, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{minutes}:{seconds:02d}.{millis:03d}"
