"""Gold laps in FastF1's shape, for analysts whose plotting code expects `session.laps`.

Only the columns gold has are given, under FastF1's names and types (durations as
`Timedelta`, lap numbers as floats as FastF1 keeps them); nothing is derived that gold does not
record (no `Time` session clock), and unknown stays missing (NaT/NaN), never zero.
"""

from __future__ import annotations

import pandas as pd

from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse.read.published import table

DURATIONS = {
    "lap_time_ms": "LapTime",
    "sector1_time_ms": "Sector1Time",
    "sector2_time_ms": "Sector2Time",
    "sector3_time_ms": "Sector3Time",
}
RENAMES = {
    "driver_number": "DriverNumber",
    "lap_number": "LapNumber",
    "stint_number": "Stint",
    "speed_st_kph": "SpeedST",
    "is_personal_best": "IsPersonalBest",
    "compound": "Compound",
    "tyre_age_laps": "TyreLife",
    "track_status": "TrackStatus",
    "position": "Position",
    "is_deleted": "Deleted",
    "deleted_reason": "DeletedReason",
    "is_accurate": "IsAccurate",
    "is_pit_in_lap": "IsPitInLap",
    "is_pit_out_lap": "IsPitOutLap",
}
FLOATS = ("LapNumber", "Stint", "TyreLife", "Position", "SpeedST")
FASTF1_ORDER = (
    "Driver",
    "DriverNumber",
    "LapTime",
    "LapNumber",
    "Stint",
    "Sector1Time",
    "Sector2Time",
    "Sector3Time",
    "SpeedST",
    "IsPersonalBest",
    "Compound",
    "TyreLife",
    "Team",
    "LapStartDate",
    "TrackStatus",
    "Position",
    "Deleted",
    "DeletedReason",
    "IsAccurate",
    "IsPitInLap",
    "IsPitOutLap",
)


def fastf1_laps(session: str, root: DataRoot | None = None) -> pd.DataFrame:
    """One session's laps from gold `fact_laps` with FastF1's column names; `Driver` and `Team`
    come from `driver_session_summary` (the session's abbreviation and team name)."""
    laps = table("fact_laps", session=session, root=root)
    drivers = table("driver_session_summary", session=session, root=root)[
        ["driver_number", "abbreviation", "team_name"]
    ]
    shaped = laps.merge(drivers, on="driver_number", how="left", validate="many_to_one")
    out = pd.DataFrame(index=shaped.index)
    out["Driver"] = shaped["abbreviation"]
    out["Team"] = shaped["team_name"]
    for column, name in DURATIONS.items():
        out[name] = pd.to_timedelta(shaped[column], unit="ms")
    for column, name in RENAMES.items():
        out[name] = shaped[column]
    for name in FLOATS:
        out[name] = out[name].astype("float64")
    # FastF1 keeps LapStartDate as naive UTC.
    out["LapStartDate"] = pd.to_datetime(shaped["lap_start_utc"], utc=True).dt.tz_localize(None)
    out = out[list(FASTF1_ORDER)]
    return out.sort_values(["DriverNumber", "LapNumber"], ignore_index=True)
