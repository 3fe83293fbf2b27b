"""The dashboard's live view (`?view=live&session=2024-18-R`): the running order of a session
in progress, re-read from the newest published generation every few seconds.

It reads the published Parquet like every other reader (never the warehouse a live run is
writing), in a Streamlit fragment with `run_every`, so only this part of the page reruns. The
data's age (now minus the export's time) is on screen: a stalled pipeline shows, it does not
pass for live. The age is wall-clock time since the export, also in a replay at pace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb
import pandas as pd
import streamlit as st

from f1_lakehouse.dashboard.formatting import format_lap_time
from f1_lakehouse.lib.session_keys import SessionKey
from f1_lakehouse.lib.settings import DataRoot, live_view_seconds
from f1_lakehouse.read.published import NothingPublished, connect, generation

# The running order: laps completed, the last lap, and the gap to the leader where the car
# crossed the line last: its end of lap N against the leader's end of lap N; a car the leader
# had passed the line ahead of by whole laps by then is that many laps down.
RUNNING_ORDER_SQL = """
with ends as (
    select driver_number, lap_number, lap_end_utc, lap_time_ms, compound, tyre_age_laps
    from fact_laps where session_id = $session and lap_end_utc is not null
),
last_lap as (
    select driver_number, max(lap_number) as lap from ends group by driver_number
),
leader as (
    select b.driver_number from leaderboard_rows as b where b.position = 1
)
select
    b.position,
    b.driver_number,
    d.abbreviation,
    b.team_name,
    b.laps_completed,
    e.lap_time_ms as last_lap_ms,
    e.compound,
    e.tyre_age_laps,
    case when b.position = 1 then null
        else epoch_ms(e.lap_end_utc) - epoch_ms(le.lap_end_utc) end as gap_ms,
    (select count(*) from ends as x
        where x.driver_number = (select driver_number from leader)
        and x.lap_end_utc <= e.lap_end_utc) - l.lap as laps_down
from leaderboard_rows as b
left join driver_session_summary as d
    on d.session_id = $session and d.driver_number = b.driver_number
left join last_lap as l on l.driver_number = b.driver_number
left join ends as e on e.driver_number = b.driver_number and e.lap_number = l.lap
left join ends as le
    on le.driver_number = (select driver_number from leader) and le.lap_number = l.lap
order by b.position nulls last, b.driver_number
"""


@dataclass(frozen=True)
class LiveSnapshot:
    """What the live view shows of one generation."""

    running_order: pd.DataFrame
    race_control: pd.DataFrame
    exported_at: datetime
    generation: str

    def age(self, now: datetime) -> timedelta:
        return now - self.exported_at


def snapshot(root: DataRoot, session: str) -> LiveSnapshot | None:
    """The running order and race control of `session` in the newest generation (None when
    nothing is published yet)."""
    key = str(SessionKey.parse(session))
    try:
        live = generation(root)
    except NothingPublished:
        return None
    with connect(root) as con:
        con.execute(
            "create temp table leaderboard_rows as select * from session_leaderboard "
            "where session_id = ?",
            [key],
        )
        order = con.execute(RUNNING_ORDER_SQL, {"session": key}).df()
        messages = _race_control(con, key)
    exported = pd.Timestamp(live.manifest["exported_at"]).to_pydatetime()
    if exported.tzinfo is None:
        exported = exported.replace(tzinfo=UTC)
    return LiveSnapshot(order, messages, exported, live.name)


def _race_control(con: duckdb.DuckDBPyConnection, key: str) -> pd.DataFrame:
    tables = {row[0] for row in con.execute("select view_name from duckdb_views()").fetchall()}
    if "race_control_messages" not in tables:
        return pd.DataFrame(columns=["message_utc", "category", "flag", "message"])
    return con.execute(
        "select message_utc, category, flag, message from race_control_messages "
        "where session_id = ? order by message_utc desc limit 20",
        [key],
    ).df()


def shown_order(order: pd.DataFrame) -> pd.DataFrame:
    """The running order as displayed: times as m:ss.mmm, gaps in seconds, lapped cars by laps."""
    shown = order.copy()
    shown["last_lap"] = shown["last_lap_ms"].map(format_lap_time)
    shown["gap"] = [
        _gap_text(gap, down) for gap, down in zip(shown["gap_ms"], shown["laps_down"], strict=True)
    ]
    columns = ["position", "abbreviation", "team_name", "laps_completed", "last_lap", "gap"]
    return shown[[*columns, "compound", "tyre_age_laps"]]


def _gap_text(gap_ms: object, laps_down: object) -> str:
    if pd.notna(laps_down) and int(laps_down) > 0:  # type: ignore[arg-type]
        return f"+{int(laps_down)} lap{'s' if int(laps_down) > 1 else ''}"  # type: ignore[arg-type]
    if pd.isna(gap_ms):  # type: ignore[arg-type]
        return ""
    return f"+{float(gap_ms) / 1000:.3f}"  # type: ignore[arg-type]


def render(root: DataRoot, session: str) -> None:
    """The live view; its fragment re-reads the newest generation every few seconds."""
    try:
        session = str(SessionKey.parse(session))
    except ValueError as exc:  # the address names no session, or a malformed one
        st.error(f"The live view needs `?session=`: {exc}")
        return
    st.subheader(f"Live · {session}")

    @st.fragment(run_every=live_view_seconds())
    def follow() -> None:
        shot = snapshot(root, session)
        if shot is None:
            st.info("Nothing is published yet: the live run has not exported a generation.")
            return
        age = shot.age(datetime.now(UTC))  # the export's own (wall) time, even in a replay
        st.metric("Data age", f"{max(age.total_seconds(), 0):.0f} s")
        st.caption(f"Generation {shot.generation} · exported {shot.exported_at:%H:%M:%S} UTC")
        st.dataframe(shown_order(shot.running_order), hide_index=True, width="stretch")
        st.markdown("**Race control**")
        if shot.race_control.empty:
            st.caption("No race-control messages published for this session.")
        else:
            st.dataframe(shot.race_control, hide_index=True, width="stretch")

    follow()
