"""The F1 lakehouse dashboard (Streamlit): gold, read from the latest Parquet export.

Run it with `make dashboard` (or `f1-lakehouse dashboard`). `?session=2018-04-R` in the address
opens a session directly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import altair as alt
import duckdb
import pandas as pd
import streamlit as st

from f1_lakehouse.dashboard import charts, live
from f1_lakehouse.dashboard.export import current_generation
from f1_lakehouse.dashboard.formatting import lap_table
from f1_lakehouse.dashboard.store import TOP_LAPS_LIMIT, DashboardStore
from f1_lakehouse.lib.lap_time import format_lap_time
from f1_lakehouse.lib.settings import DataRoot, data_root

RACE_CODES = ("R", "S")
Draw = Callable[[pd.DataFrame], alt.Chart]  # a chart of a query's rows
EMPTY_MESSAGE = (
    "No session has been materialised yet. Run `make demo`, or materialise a session in Dagster "
    "followed by the `dashboard/gold_export` asset, then reload this page."
)


@st.cache_resource(max_entries=2, show_spinner=False)
def _load(generation_path: str) -> DashboardStore:
    # Keyed by the generation folder: a new export is picked up on the next rerun, and a page
    # keeps its loaded copy while exports come and go.
    return DashboardStore.load(Path(generation_path))


def _store(root: DataRoot) -> DashboardStore | None:
    """The store over the current export; a generation pruned under our feet is re-resolved."""
    for _ in range(3):
        generation = current_generation(root)
        if generation is None:
            return None
        try:
            return _load(str(generation.path))
        except (duckdb.IOException, FileNotFoundError):
            continue
    return None


def _default_session(store: DashboardStore) -> str:
    sessions = store.df(
        "select session_id, session_code from sessions "
        "order by season desc, round desc, session_start_utc desc nulls last"
    )
    races = sessions[sessions["session_code"] == "R"]
    return str((races if not races.empty else sessions)["session_id"].iloc[0])


def _pick_session(store: DashboardStore) -> tuple[int, int, str]:
    """Season, round and session from the sidebar (seeded by `?session=` or the latest race)."""
    wanted = st.query_params.get("session") or _default_session(store)
    known = store.df("select session_id, season, round from sessions")
    match = known[known["session_id"] == wanted]
    if match.empty:
        wanted = _default_session(store)
        match = known[known["session_id"] == wanted]
    want_season, want_round = int(match["season"].iloc[0]), int(match["round"].iloc[0])

    st.sidebar.header("Filters")
    seasons = store.seasons()
    season = st.sidebar.selectbox("Season", seasons, index=seasons.index(want_season))
    rounds = store.rounds(season)
    round_labels = {
        int(r): f"R{int(r):02d} · {e}"
        for r, e in zip(rounds["round"], rounds["event_name"], strict=True)
    }
    round_keys = list(round_labels)
    round_ = st.sidebar.selectbox(
        "Round",
        round_keys,
        index=round_keys.index(want_round) if want_round in round_keys else 0,
        format_func=round_labels.get,
    )
    sessions = store.sessions(season, round_)
    session_labels = {
        sid: f"{name} ({code})"
        for sid, code, name in zip(
            sessions["session_id"], sessions["session_code"], sessions["session_name"], strict=True
        )
    }
    session_keys = list(session_labels)
    session_id = st.sidebar.selectbox(
        "Session",
        session_keys,
        index=session_keys.index(wanted) if wanted in session_keys else 0,
        format_func=session_labels.get,
    )
    st.query_params["session"] = session_id
    return season, round_, session_id


def _headline(store: DashboardStore, season: int, round_: int, session_id: str) -> None:
    info = store.df("select * from sessions where session_id = $s", s=session_id).iloc[0]
    st.subheader(f"{season} {info['event_name']} · {info['session_name']}")
    kpis = store.kpis(session_id)
    headline = store.headline(session_id)
    is_race = info["session_code"] in RACE_CODES
    # The last two hold names and times: wider, so `BOT 1:45.149` is never cut.
    cols = st.columns([1, 1, 1, 1.5, 2])
    cols[0].metric("Laps", f"{kpis.laps:,}")
    cols[1].metric("Drivers", kpis.drivers)
    cols[2].metric("Teams", kpis.teams)
    cols[3].metric(
        "Winner" if is_race else "P1",
        headline.p1_abbreviation or "-",
        help=f"{headline.p1_full_name} ({headline.p1_team_name})"
        if headline.p1_full_name
        else None,
        delta=headline.p1_full_name,
        delta_color="off",
        delta_arrow="off",
    )
    fastest = (
        f"{headline.fastest_abbreviation} {format_lap_time(headline.fastest_lap_ms)}"
        if headline.fastest_lap_ms
        else "-"
    )
    cols[4].metric(
        "Fastest lap",
        fastest,
        delta=f"lap {headline.fastest_lap_number}" if headline.fastest_lap_number else None,
        delta_color="off",
        delta_arrow="off",
    )


def _tables(store: DashboardStore, season: int, round_: int, session_id: str) -> None:
    st.markdown(f"#### Top {TOP_LAPS_LIMIT} fastest laps")
    top = store.top_laps(session_id)
    if top.empty:
        st.caption("No timed laps recorded for this session.")
    else:
        st.dataframe(
            lap_table(top),
            hide_index=True,
            column_config={
                "rank": st.column_config.NumberColumn("#", width="small"),
                "abbreviation": "Driver",
                "team_name": "Team",
                "lap_number": "Lap",
                "lap_time": "Lap time",
                "gap": "Gap",
                "lap_time_s": st.column_config.NumberColumn("Seconds", format="%.3f"),
                "sector1_s": st.column_config.NumberColumn("S1", format="%.3f"),
                "sector2_s": st.column_config.NumberColumn("S2", format="%.3f"),
                "sector3_s": st.column_config.NumberColumn("S3", format="%.3f"),
                "compound": "Tyre",
                "tyre_life": "Tyre age",
            },
        )
    left, right = st.columns(2)
    with left:
        st.markdown("#### Classification")
        classification = store.classification(session_id)
        if classification["position"].isna().all():
            st.caption("No classification was recorded for this session.")
        elif (classification["classification_source"] == "derived_from_timing").any():
            st.caption(
                "No results source recorded this session: the classification is derived from "
                "timing data (order across the line, laps, status; no race times)."
            )
        gaps = classification["data_gaps"].dropna().unique()
        if len(gaps):
            st.caption("Unknown here: " + "; ".join(gaps))
        st.dataframe(
            lap_table(classification.drop(columns=["classification_source", "data_gaps"])),
            hide_index=True,
            column_config={
                "position": "Pos",
                "abbreviation": "Driver",
                "full_name": "Name",
                "team_name": "Team",
                "grid_position": "Grid",
                "status": "Status",
                "points": "Pts",
                "best_lap": "Best lap",
                "laps_recorded": "Laps",
                "pit_stops": "Stops",
            },
        )
    with right:
        st.markdown("#### Team summary (race weekend)")
        st.dataframe(
            lap_table(store.team_summary(season, round_)),
            hide_index=True,
            column_config={
                "team_name": "Team",
                "drivers": "Drivers",
                "session_codes": "Sessions",
                "points": "Pts",
                "best_race_position": "Best race pos",
                "best_qualifying_position": "Best quali pos",
                "best_race_lap": "Best race lap",
                "best_qualifying_lap": "Best quali lap",
                "laps_recorded": "Laps",
                "race_pit_stops": "Stops",
            },
        )


def _plots(store: DashboardStore, season: int, session_id: str) -> None:
    st.markdown("#### Plots")
    colours = store.team_colours(session_id)
    driver_teams = store.driver_teams(session_id)
    plots = (  # (rows of the session, their chart, what to say when there are none)
        (
            store.lap_distribution,
            lambda laps: charts.lap_distribution_chart(laps, colours),
            "Lap-time distribution: no timed laps.",
        ),
        (
            store.positions,
            lambda positions: charts.position_chart(positions, driver_teams, colours),
            "Race positions: no lap-by-lap positions in this session.",
        ),
        (
            store.stints,
            lambda stints: charts.tyre_strategy_chart(stints, season),
            "Tyre strategy: no stints recorded.",
        ),
    )
    cells = [*st.columns(2), *st.columns(2)]  # two rows of two
    for cell, (rows, draw, missing) in zip(cells, plots, strict=False):
        with cell:
            _chart(rows(session_id), draw, missing)
    with cells[3]:
        _speed_trace(store, session_id, driver_teams, colours)


def _chart(frame: pd.DataFrame, draw: Draw, missing: str) -> None:
    """The chart of `frame`, or a caption saying what is missing when it has no rows."""
    if frame.empty:
        st.caption(missing)
    else:
        st.altair_chart(draw(frame), width="stretch")


def _speed_trace(
    store: DashboardStore,
    session_id: str,
    driver_teams: dict[str, str | None],
    colours: dict[str, str | None],
) -> None:
    drivers = store.speed_trace_drivers(session_id)
    if len(drivers) < 2:
        with_trace = store.df("select distinct session_id from speed_traces order by 1")
        where = ", ".join(with_trace["session_id"]) or "none exported yet"
        st.caption(
            "Speed trace: no car telemetry for this session (OpenF1 telemetry; sessions with "
            f"telemetry: {where})."
        )
        return
    labels = {
        a: f"{a} · {format_lap_time(t)} (lap {n})"
        for a, n, t in zip(
            drivers["abbreviation"], drivers["lap_number"], drivers["lap_time_ms"], strict=True
        )
    }
    options = list(labels)
    pick = st.columns(2)
    first = pick[0].selectbox("Driver A", options, index=0, format_func=labels.get)
    second = pick[1].selectbox("Driver B", options, index=1, format_func=labels.get)
    trace = store.speed_trace(session_id, first, second)
    st.altair_chart(charts.speed_trace_chart(trace, driver_teams, colours), width="stretch")


def main() -> None:
    st.set_page_config(page_title="F1 Lakehouse", layout="wide")
    st.title("F1 Lakehouse")
    root = data_root()
    if st.query_params.get("view") == "live":  # a session in progress, re-read every few seconds
        live.render(root, st.query_params.get("session") or "")
        return
    store = _store(root)
    if store is None or store.is_empty:
        st.info(EMPTY_MESSAGE)
        st.caption(f"Data root: {root.path}")
        return
    season, round_, session_id = _pick_session(store)
    _headline(store, season, round_, session_id)
    _tables(store, season, round_, session_id)
    _plots(store, season, session_id)
    exported = pd.Timestamp(store.generation.manifest["exported_at"])
    st.caption(
        f"Gold exported {exported:%Y-%m-%d %H:%M:%S} UTC · {store.generation.name} · "
        f"data root {root.path}"
    )


# Streamlit runs this file as __main__; importing it (tests) only defines things.
if __name__ == "__main__":
    main()
