"""Charts in team colours (silver's team_color) with a fallback palette; and in the browser,
the colours really on the page."""

import os

import pytest

from f1_lakehouse.dashboard import charts
from f1_lakehouse.dashboard.serve import streamlit_command
from f1_lakehouse_tests.ops.browser import chrome, screenshot, server, wait_for
from f1_lakehouse_tests.ops.postgres import free_port


def test_team_palette_uses_feed_colours_and_falls_back():
    palette = charts.team_palette(
        ["Mercedes", "Ferrari", "Haas F1 Team", "Copycat"],
        {"Mercedes": "00D2BE", "Ferrari": "#DC0000", "Haas F1 Team": None, "Copycat": "00d2be"},
    )
    assert palette["Mercedes"] == "#00d2be"
    assert palette["Ferrari"] == "#dc0000"
    # No colour recorded, or one another team already wears: the next fallback colours.
    assert palette["Haas F1 Team"] == charts.FALLBACK_PALETTE[0]
    assert palette["Copycat"] == charts.FALLBACK_PALETTE[1]
    assert len(set(palette.values())) == 4


def test_teammates_share_the_colour_and_differ_by_dash():
    colours, dashes = charts.driver_palette(
        ["HAM", "BOT", "VET"],
        {"HAM": "Mercedes", "BOT": "Mercedes", "VET": "Ferrari"},
        {"Mercedes": "00D2BE", "Ferrari": "DC0000"},
    )
    assert colours == {"HAM": "#00d2be", "BOT": "#00d2be", "VET": "#dc0000"}
    assert dashes["HAM"] != dashes["BOT"] and dashes["HAM"] == dashes["VET"]


def test_charts_carry_the_sessions_team_colours(store):
    colours = store.team_colours("2018-04-R")
    recorded = {team: c for team, c in colours.items() if c}
    assert len(recorded) >= 8  # the timing feed recorded most teams' colours
    laps = store.lap_distribution("2018-04-R")
    spec = charts.lap_distribution_chart(laps, colours).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    shown = dict(zip(scale["domain"], scale["range"], strict=True))
    for team, colour in recorded.items():
        if team in shown:
            assert shown[team] == charts.css_colour(colour), team
    positions = store.positions("2018-04-R")
    spec = charts.position_chart(positions, store.driver_teams("2018-04-R"), colours).to_dict()
    driver_colours = dict(
        zip(
            spec["encoding"]["color"]["scale"]["domain"],
            spec["encoding"]["color"]["scale"]["range"],
            strict=True,
        )
    )
    mercedes = charts.css_colour(colours["Mercedes"])
    assert driver_colours["HAM"] == driver_colours["BOT"] == mercedes


def _pixels_near(image, colour: str, tolerance: int = 6) -> int:
    target = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return sum(
        count
        for count, pixel in image.getcolors(maxcolors=1 << 24)
        if all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], target, strict=True))
    )


@pytest.fixture(scope="module")
def dashboard_url(exported, pipeline, tmp_path_factory):
    port = free_port()
    env = {**os.environ, "F1_LAKEHOUSE_ROOT": str(pipeline.root.path)}
    log = tmp_path_factory.mktemp("dashboard-colours") / "streamlit.log"
    url = f"http://127.0.0.1:{port}"
    with server(streamlit_command(port=port), env, f"{url}/_stcore/health", log):
        yield url


def test_the_page_shows_team_colours(dashboard_url, store):
    from PIL import Image

    driver = chrome()
    try:
        driver.get(f"{dashboard_url}/?session=2018-04-R")
        wait_for(driver, lambda d: len(d.find_elements("css selector", ".vega-embed")) >= 3)
        path = screenshot(driver, "dashboard-team-colours-2018-04-R")
    finally:
        driver.quit()
    image = Image.open(path).convert("RGB")
    colours = {t: charts.css_colour(c) for t, c in store.team_colours("2018-04-R").items() if c}
    seen = {team: _pixels_near(image, colour) for team, colour in colours.items()}
    # Every team with a recorded colour is drawn in it (boxes, lines, legend swatches).
    assert all(count >= 30 for count in seen.values()), seen
