"""The dashboard and the Dagster UI in headless Chromium, asserted on what a person sees.
Screenshots are kept in test-artifacts/."""

import os
import shutil
import sys
from pathlib import Path

import pytest

from f1_lakehouse.dashboard.serve import streamlit_command
from f1_lakehouse.lib.settings import REPO_ROOT
from f1_lakehouse_tests.dashboard.conftest import hold_warehouse
from f1_lakehouse_tests.ops.browser import chrome, page_text, screenshot, server, wait_for
from f1_lakehouse_tests.ops.postgres import free_port

BIN = Path(sys.executable).parent
LOCATION = "f1_lakehouse.definitions"  # the code location `-m f1_lakehouse.definitions` names


@pytest.fixture(scope="module")
def browser():
    driver = chrome()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def dashboard_url(exported, pipeline, tmp_path_factory):
    port = free_port()
    env = {**os.environ, "F1_LAKEHOUSE_ROOT": str(pipeline.root.path)}
    log = tmp_path_factory.mktemp("dashboard") / "streamlit.log"
    url = f"http://127.0.0.1:{port}"
    with server(streamlit_command(port=port), env, f"{url}/_stcore/health", log):
        yield url


@pytest.fixture(scope="module")
def dagster_url(tmp_path_factory):
    base = tmp_path_factory.mktemp("dagster_ui")
    home = base / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "F1_LAKEHOUSE_ROOT": str(base / "root"),
        "F1_LAKEHOUSE_SOURCE": "replay",
    }
    command = [
        str(BIN / "dagster-webserver"),
        "-m", "f1_lakehouse.definitions",
        "-h", "127.0.0.1",
        "-p", str(port),
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with server(command, env, f"{url}/server_info", base / "webserver.log"):
        yield url


def test_dashboard_shows_the_winner_and_fastest_lap_of_baku_2018(browser, dashboard_url, pipeline):
    # Loaded while another process holds the warehouse, as during a materialisation.
    with hold_warehouse(pipeline.root):
        browser.get(f"{dashboard_url}/?session=2018-04-R")
        wait_for(
            browser,
            lambda d: (
                "BOT 1:45.149" in page_text(d)
                and len(d.find_elements("css selector", ".vega-embed")) >= 3
            ),
        )
    text = page_text(browser)
    assert "2018 Azerbaijan Grand Prix · Race" in text
    lines = text.splitlines()
    assert lines[lines.index("Winner") + 1] == "HAM"
    assert "Lewis Hamilton" in text
    assert lines[lines.index("Fastest lap") + 1] == "BOT 1:45.149"
    assert "Top 50 fastest laps" in text
    for title in ("Lap-time distribution per driver", "Race positions", "Tyre strategy"):
        assert title in text
    assert screenshot(browser, "dashboard-2018-04-R").stat().st_size > 50_000


def test_dashboard_empty_state(browser, tmp_path):
    port = free_port()
    env = {**os.environ, "F1_LAKEHOUSE_ROOT": str(tmp_path / "empty-root")}
    url = f"http://127.0.0.1:{port}"
    with server(streamlit_command(port=port), env, f"{url}/_stcore/health", tmp_path / "st.log"):
        browser.set_window_size(1400, 1000)
        browser.get(url)
        wait_for(browser, lambda d: "No session has been materialised yet" in page_text(d))
        screenshot(browser, "dashboard-empty", height=700)


def test_dagster_ui_lineage_shows_every_layer(browser, dagster_url):
    browser.set_window_size(1400, 1000)
    browser.get(f"{dagster_url}/asset-groups")
    groups = ("bronze_fastf1", "bronze_openf1", "silver", "gold", "dashboard")
    wait_for(browser, lambda d: all(g in page_text(d).split("\n") for g in groups))
    assert "Global asset lineage" in page_text(browser)
    screenshot(browser, "dagster-asset-lineage", height=1000)


@pytest.mark.parametrize(
    ("group", "assets"),
    [
        ("bronze_fastf1", ("results", "session_info")),
        ("gold", ("driver_session_summary", "gold_export")),
    ],
)
def test_dagster_ui_asset_graph_shows_the_groups_assets(browser, dagster_url, group, assets):
    browser.set_window_size(1600, 1100)
    browser.get(f"{dagster_url}/locations/{LOCATION}/asset-groups/{group}")
    wait_for(browser, lambda d: all(name in page_text(d).split("\n") for name in assets))
    assert f"{group}\nAsset Group in" in page_text(browser)
    screenshot(browser, f"dagster-asset-graph-{group}", height=1100, width=1600)


def test_dagster_ui_catalog_lists_bronze_and_gold_assets(browser, dagster_url):
    # Tall enough that the (virtualised) list renders every row, wide enough that no key is
    # shortened with an ellipsis.
    browser.set_window_size(1920, 6000)
    browser.get(f"{dagster_url}/assets")
    expected = (
        "bronze / fastf1 / laps",
        "bronze / openf1 / car_data",
        "silver / silver_laps",
        "gold / driver_session_summary",
        "gold / team_event_summary",
        "dashboard / gold_export",
    )
    wait_for(browser, lambda d: all(key in page_text(d) for key in expected))
    screenshot(browser, "dagster-asset-catalog", height=2400, width=1920)
