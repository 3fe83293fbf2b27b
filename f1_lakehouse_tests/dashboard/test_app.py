"""The Streamlit page, run headless with Streamlit's AppTest: what a person would read on it."""

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from f1_lakehouse.dashboard.app import EMPTY_MESSAGE
from f1_lakehouse.dashboard.export import export_gold
from f1_lakehouse.dashboard.serve import APP
from f1_lakehouse_tests.dashboard.conftest import hold_warehouse


def run_page(monkeypatch, root, session: str | None = None) -> AppTest:
    monkeypatch.setenv("F1_LAKEHOUSE_ROOT", str(root.path))
    page = AppTest.from_file(str(APP), default_timeout=60)
    if session:
        page.query_params["session"] = session
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    return page


def metrics(page: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in page.metric}


def test_baku_2018_shows_winner_fastest_lap_and_kpis(exported, pipeline, monkeypatch):
    page = run_page(monkeypatch, pipeline.root, "2018-04-R")
    assert page.subheader[0].value == "2018 Azerbaijan Grand Prix · Race"
    assert metrics(page) == {
        "Laps": "848",
        "Drivers": "20",
        "Teams": "10",
        "Winner": "HAM",
        "Fastest lap": "BOT 1:45.149",
    }
    top, classification, teams = (
        page.dataframe[0].value,
        page.dataframe[1].value,
        page.dataframe[2].value,
    )
    assert len(top) == 50
    assert top["lap_time"].iloc[0] == "1:45.149"
    assert top["lap_time_s"].is_monotonic_increasing
    assert classification["abbreviation"].iloc[0] == "HAM"
    assert teams["team_name"].iloc[0] == "Ferrari"  # 30 points to Mercedes 25 that weekend
    titles = [chart.proto.spec for chart in page.get("vega_lite_chart")]
    for title in ("Lap-time distribution per driver", "Race positions", "Tyre strategy"):
        assert any(title in spec for spec in titles), title
    assert any("no car telemetry" in c.value for c in page.caption)


def test_filters_move_to_another_session(exported, pipeline, monkeypatch):
    page = run_page(monkeypatch, pipeline.root, "2018-04-R")
    page.sidebar.selectbox[0].set_value(2023).run()
    page.sidebar.selectbox[1].set_value(4).run()
    page.sidebar.selectbox[2].set_value("2023-04-Q").run()
    assert not page.exception
    assert page.subheader[0].value == "2023 Azerbaijan Grand Prix · Qualifying"
    shown = metrics(page)
    assert shown["P1"] == "LEC"  # pole position, Baku 2023
    assert page.query_params["session"] == "2023-04-Q"


def test_default_is_the_latest_race(exported, store, pipeline, monkeypatch):
    latest = store.df(
        "select season, event_name from sessions where session_code = 'R' "
        "order by season desc, round desc limit 1"
    ).iloc[0]
    page = run_page(monkeypatch, pipeline.root)
    assert page.subheader[0].value == f"{latest['season']} {latest['event_name']} · Race"


def test_empty_state_before_anything_is_materialised(data_root, monkeypatch):
    page = run_page(monkeypatch, data_root)
    assert page.info[0].value == EMPTY_MESSAGE
    assert not page.metric


def test_empty_state_with_an_empty_warehouse(data_root, monkeypatch):
    duckdb.connect(str(data_root.warehouse_file)).close()
    export_gold(data_root)
    page = run_page(monkeypatch, data_root)
    assert page.info[0].value == EMPTY_MESSAGE


def test_openf1_race_shows_its_speed_trace(exported, store, pipeline, monkeypatch):
    if "2024-18-R" not in set(store.df("select session_id from speed_traces")["session_id"]):
        pytest.skip("the shared pipeline holds no session with car telemetry")
    page = run_page(monkeypatch, pipeline.root, "2024-18-R")
    shown = metrics(page)
    assert (shown["Winner"], shown["Fastest lap"]) == ("NOR", "RIC 1:34.486")
    driver_a, driver_b = page.main.selectbox[-2:]
    assert driver_a.value == "RIC" and driver_b.value != "RIC"
    specs = [chart.proto.spec for chart in page.get("vega_lite_chart")]
    assert any("Speed trace: fastest laps" in spec for spec in specs)
    driver_b.set_value("NOR").run()
    assert not page.exception


def test_a_race_no_results_source_recorded_shows_its_derived_classification(
    exported, pipeline, monkeypatch
):
    """2024-18-R: the classification table is filled from the timing data and says so; what
    the sources do not have is named, not shown as 0."""
    page = run_page(monkeypatch, pipeline.root, "2024-18-R")
    captions = [c.value for c in page.caption]
    assert any("derived from timing data" in c for c in captions), captions
    assert any("deletions unknown" in c for c in captions), captions
    classification = page.dataframe[1].value
    assert list(classification["abbreviation"][:3]) == ["NOR", "VER", "PIA"]
    assert list(classification["points"][:3]) == [25, 18, 15]
    assert classification["pit_stops"].sum() == 23  # the official count (Ergast pit_stops)


@pytest.mark.usefixtures("exported")
def test_page_renders_while_a_materialisation_holds_the_warehouse(pipeline, monkeypatch):
    with hold_warehouse(pipeline.root):
        page = run_page(monkeypatch, pipeline.root, "2018-04-R")
        assert metrics(page)["Winner"] == "HAM"
        assert metrics(page)["Fastest lap"] == "BOT 1:45.149"
