"""The dashboard's plots as Altair charts (Altair ships with Streamlit): built from the store's
frames by plain functions, so they are testable without a page."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import altair as alt
import pandas as pd

# Pirelli's sidewall colours. Since 2019 soft/medium/hard are red/yellow/white; up to 2018 the
# range had seven dry compounds and "soft" was yellow.
COMPOUND_COLOURS = {
    "SOFT": "#da291c",
    "MEDIUM": "#ffd12e",
    "HARD": "#f0f0ec",
    "INTERMEDIATE": "#43b02a",
    "WET": "#0067ad",
    "UNKNOWN": "#9e9e9e",
    "TEST_UNKNOWN": "#9e9e9e",
}
COMPOUND_COLOURS_2018 = {
    "HYPERSOFT": "#f7a8c4",
    "ULTRASOFT": "#8e3fa8",
    "SUPERSOFT": "#da291c",
    "SOFT": "#ffd12e",
    "MEDIUM": "#f0f0ec",
    "HARD": "#6cc4ee",
    "SUPERHARD": "#f28c28",
    "INTERMEDIATE": "#43b02a",
    "WET": "#0067ad",
    "UNKNOWN": "#9e9e9e",
}


def compound_colours(season: int) -> dict[str, str]:
    return COMPOUND_COLOURS_2018 if season <= 2018 else COMPOUND_COLOURS


# For teams the feed sent no colour for (or one another team already wears): Tableau 10.
FALLBACK_PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip
NO_COLOUR = "#9e9e9e"
_HEX = re.compile(r"^#?([0-9A-Fa-f]{6})$")


def css_colour(feed_colour: str | None) -> str | None:
    """The timing feed's `3671C6` as `#3671c6`; anything else is no colour."""
    match = _HEX.match(feed_colour.strip()) if feed_colour else None
    return f"#{match[1].lower()}" if match else None


def team_palette(
    teams: Iterable[str], colours: Mapping[str, str | None] | None = None
) -> dict[str, str]:
    """Each team's own colour (silver's `team_color`); a team without one, or whose colour
    another team already has, gets the next fallback colour, so no two teams look alike."""
    colours = colours or {}
    ordered = list(dict.fromkeys(teams))
    palette: dict[str, str] = {}
    for team in ordered:
        colour = css_colour(colours.get(team))
        if colour and colour not in palette.values():
            palette[team] = colour
    spare = (c for c in FALLBACK_PALETTE if c not in palette.values())
    for team in ordered:
        if team not in palette:
            palette[team] = next(spare, NO_COLOUR)
    return palette


def driver_palette(
    drivers: Iterable[str],
    driver_teams: Mapping[str, str | None] | None = None,
    colours: Mapping[str, str | None] | None = None,
) -> tuple[dict[str, str], dict[str, list[int]]]:
    """Each driver in their team's colour, and a dash pattern that tells teammates apart (the
    first of a team solid, the second dashed)."""
    driver_teams = driver_teams or {}
    ordered = list(dict.fromkeys(drivers))
    team_of = {d: driver_teams.get(d) or f"(no team: {d})" for d in ordered}
    teams = team_palette(team_of.values(), colours)
    seen: dict[str, int] = {}
    dashes: dict[str, list[int]] = {}
    for driver in ordered:
        index = seen.get(team_of[driver], 0)
        seen[team_of[driver]] = index + 1
        dashes[driver] = [1, 0] if index == 0 else [6, 3]
    return {d: teams[team_of[d]] for d in ordered}, dashes


def _scale(mapping: Mapping[str, object]) -> alt.Scale:
    return alt.Scale(domain=list(mapping), range=list(mapping.values()))


# Vega expression: an axis value in seconds shown as m:ss.
_LAP_AXIS_LABEL = (
    "floor(datum.value / 60) + ':' + (datum.value % 60 < 10 ? '0' : '') "
    "+ format(datum.value % 60, '.1f')"
)


def _lap_seconds(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.copy()
    shown["lap_time_s"] = shown["lap_time_ms"] / 1000
    return shown


def lap_distribution_chart(
    laps: pd.DataFrame, team_colours: Mapping[str, str | None] | None = None
) -> alt.Chart:
    """One box per driver over their representative laps, drivers ordered by median lap, in
    their team's colour."""
    palette = team_palette(sorted(laps["team_name"].dropna().unique()), team_colours)
    order = (
        laps.groupby("abbreviation")["lap_time_ms"].median().sort_values().index.tolist()
        if not laps.empty
        else []
    )
    return (
        alt.Chart(_lap_seconds(laps), title="Lap-time distribution per driver")
        .mark_boxplot(extent=1.5, size=14)
        .encode(
            x=alt.X(
                "abbreviation:N",
                sort=order,
                title="Driver",
                axis=alt.Axis(labelAngle=-90, labelOverlap=False),
            ),
            y=alt.Y(
                "lap_time_s:Q",
                title="Lap time",
                scale=alt.Scale(zero=False),
                axis=alt.Axis(labelExpr=_LAP_AXIS_LABEL),
            ),
            color=alt.Color("team_name:N", title="Team", scale=_scale(palette)),
            tooltip=["abbreviation:N", "team_name:N"],
        )
    )


def position_chart(
    positions: pd.DataFrame,
    driver_teams: Mapping[str, str | None] | None = None,
    team_colours: Mapping[str, str | None] | None = None,
) -> alt.Chart:
    """Each driver's running position lap by lap, P1 at the top, in team colours (teammates
    solid and dashed)."""
    colours, dashes = driver_palette(
        sorted(positions["abbreviation"].unique()), driver_teams, team_colours
    )
    max_position = int(positions["position"].max()) if not positions.empty else 20
    return (
        alt.Chart(positions, title="Race positions")
        .mark_line(point=alt.OverlayMarkDef(size=12))
        .encode(
            x=alt.X("lap_number:Q", title="Lap"),
            y=alt.Y(
                "position:Q",
                title="Position",
                scale=alt.Scale(reverse=True, domain=[1, max_position]),
                axis=alt.Axis(tickMinStep=1),
            ),
            color=alt.Color("abbreviation:N", title="Driver", scale=_scale(colours)),
            strokeDash=alt.StrokeDash("abbreviation:N", scale=_scale(dashes), legend=None),
            tooltip=["abbreviation:N", "lap_number:Q", "position:Q"],
        )
    )


def tyre_strategy_chart(stints: pd.DataFrame, season: int) -> alt.Chart:
    """One bar per stint from its first to its last lap, coloured by compound, drivers in
    finishing order."""
    shown = stints.copy()
    shown["lap_end"] = shown["last_lap"] + 1
    order = shown.drop_duplicates("abbreviation")["abbreviation"].tolist()
    palette = compound_colours(season)
    present = set(shown["compound"])
    compounds = [c for c in palette if c in present] + sorted(present - set(palette))
    return (
        alt.Chart(shown, title="Tyre strategy")
        .mark_bar(stroke="#333333", strokeWidth=0.5)
        .encode(
            y=alt.Y("abbreviation:N", sort=order, title="Driver"),
            x=alt.X("first_lap:Q", title="Lap"),
            x2="lap_end:Q",
            color=alt.Color(
                "compound:N",
                title="Compound",
                scale=alt.Scale(
                    domain=compounds, range=[palette.get(c, palette["UNKNOWN"]) for c in compounds]
                ),
            ),
            tooltip=["abbreviation:N", "stint:Q", "compound:N", "first_lap:Q", "last_lap:Q"],
        )
    )


def speed_trace_chart(
    trace: pd.DataFrame,
    driver_teams: Mapping[str, str | None] | None = None,
    team_colours: Mapping[str, str | None] | None = None,
) -> alt.Chart:
    """Speed over lap distance for each driver's fastest lap, overlaid, in team colours."""
    colours, dashes = driver_palette(
        sorted(trace["abbreviation"].unique()), driver_teams, team_colours
    )
    return (
        alt.Chart(trace, title="Speed trace: fastest laps")
        .mark_line(strokeWidth=1.5)
        .encode(
            x=alt.X("distance_m:Q", title="Distance (m)"),
            y=alt.Y("speed_kph:Q", title="Speed (km/h)"),
            color=alt.Color("abbreviation:N", title="Driver", scale=_scale(colours)),
            strokeDash=alt.StrokeDash("abbreviation:N", scale=_scale(dashes), legend=None),
            tooltip=["abbreviation:N", "distance_m:Q", "speed_kph:Q", "n_gear:Q"],
        )
    )
