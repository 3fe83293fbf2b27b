"""The reconciliation inside the product: the `classification_matches_official` asset check
compares gold with the official classification FastF1 reads from Jolpica, per session, and
fails naming driver and field when gold is wrong; telemetry outside its plausible range lands,
warns and is counted, never failing the session."""

from __future__ import annotations

import dagster as dg
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from f1_lakehouse.defs.dbt.reconciliation import LEADERBOARD, classification_matches_official
from f1_lakehouse.lib.bronze import read_partition, write_partition
from f1_lakehouse.lib.dbt import reconciliation
from f1_lakehouse.lib.dbt.args import build_args
from f1_lakehouse.lib.dbt.selection import GOLD_SELECT
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.session_keys import SessionKey
from f1_lakehouse_tests.conftest import Pipeline
from f1_lakehouse_tests.dbt.dbt_cli import copy_root, run_dbt

# Sessions whose Jolpica answer is in the recordings (2024-18-R and practice have none).
OFFICIAL_SESSIONS = {
    "2018-04-R", "2020-07-R", "2020-08-R", "2020-12-R", "2021-10-R", "2021-21-R", "2022-01-R",
    "2022-02-Q", "2022-02-R", "2023-01-R", "2023-04-Q", "2023-04-S", "2023-05-R", "2024-10-Q",
    "2025-01-R", "2025-04-R", "2025-06-S", "2025-12-R",
}  # fmt: skip


def _check(root) -> dg.AssetCheckResult:
    return classification_matches_official(data_root=DataRootResource(path=str(root.path)))


def test_gold_agrees_with_the_official_classification_in_every_recorded_session(pipeline):
    result = _check(pipeline.root)
    by_session = result.metadata["by_session"].value
    assert result.passed, result.metadata["differences"].value
    assert set(by_session) == OFFICIAL_SESSIONS
    for session_id, verdict in by_session.items():
        assert verdict["status"] == "pass", (session_id, verdict)
        for field, exact in verdict["exact"].items():
            ok, total = exact.split("/")
            assert ok == total, (session_id, field, exact)


def test_a_known_source_disagreement_is_reported_as_known_not_as_a_pass():
    """A documented disagreement (known_source_disagreements) neither fails nor passes."""
    row = ("2099-01-R", "7", "RAI", "gold", "grid", "3", "2", False)
    known = reconciliation.verdicts([(*row, "the source revised the grid")])
    unknown = reconciliation.verdicts([(*row, None)])
    assert known["2099-01-R"].status == "known disagreement"
    assert known["2099-01-R"].summary()["known"] == [
        "RAI grid: ours 3, official 2 (the source revised the grid)"
    ]
    assert reconciliation.check_result(LEADERBOARD, known).passed
    assert unknown["2099-01-R"].status == "fail"
    assert not reconciliation.check_result(LEADERBOARD, unknown).passed


def test_no_grid_slot_is_null_in_gold_and_0_in_jolpica_and_they_agree(pipeline):
    """Jolpica writes grid 0 for a pit-lane start or a car that did not start (2023-04-S
    Sargeant, 2022-02-R Schumacher); gold leaves such a grid null."""
    rows = pipeline.query(
        "select session_id, driver_key, ours, agrees from gold.classification_reconciliation "
        "where comparison = 'gold' and field = 'grid' and official = '0' order by 1"
    )
    assert ("2022-02-R", "MSC", None, True) in rows and ("2023-04-S", "SAR", None, True) in rows
    assert all(agrees for *_, agrees in rows)


def test_the_derived_classification_is_compared_and_reported(pipeline):
    """2018-04-R from timing alone equals the official result; 2025-06-S does not (penalties
    handed out at the end of the sprint), which is reported but does not fail the check."""
    by_session = _check(pipeline.root).metadata["by_session"].value
    assert by_session["2018-04-R"]["derived_exact"] == {
        "laps": "20/20", "points": "20/20", "position": "20/20", "status_class": "20/20",
    }  # fmt: skip
    assert any(d.startswith("VER position") for d in by_session["2025-06-S"]["derived_differences"])
    # qualifying from its laps: every position and segment time
    assert by_session["2023-04-Q"]["derived_exact"] == {
        "position": "20/20", "q1_ms": "20/20", "q2_ms": "15/15", "q3_ms": "10/10",
    }  # fmt: skip


@pytest.fixture(scope="module")
def corrupted(pipeline, tmp_path_factory):
    """A copy whose silver results swap two drivers' positions (2018-04-R P11/P12, no points
    at stake) and change a gap (2023-01-R P2), with gold rebuilt from it: every gold rule still
    holds."""
    work = tmp_path_factory.mktemp("corrupted")
    root = copy_root(pipeline.root, work / "root")
    import duckdb

    with duckdb.connect(str(root.warehouse_file)) as con:
        con.execute(
            "update silver.silver_results set position = case position when 11 then 12 else 11 end "
            "where session_id = '2018-04-R' and position in (11, 12)"
        )
        con.execute(
            "update silver.silver_results set time_ms = time_ms + 1000 "
            "where session_id = '2023-01-R' and position = 2"
        )
    gold = run_dbt([*build_args(), "--select", GOLD_SELECT], root, work / "gold")
    assert gold.returncode == 0, gold.output[-3000:]
    return root


def test_the_check_fails_on_a_corrupted_copy_naming_driver_and_field(corrupted):
    result = _check(corrupted)
    assert not result.passed
    assert result.metadata["sessions_failing"].value == ["2018-04-R", "2023-01-R"]
    by_session = result.metadata["by_session"].value
    assert sorted(by_session["2018-04-R"]["differences"]) == [
        "ERI position: ours 12, official 11",
        "GAS position: ours 11, official 12",
    ]
    changed = by_session["2023-01-R"]["differences"]
    assert {d.split(":")[0] for d in changed} == {"PER race_time_ms", "PER gap_to_winner_ms"}
    assert "PER" in result.metadata["differences"].value


def test_the_check_is_part_of_the_definitions_on_the_leaderboard():
    from f1_lakehouse.definitions import defs

    keys = defs.resolve_asset_graph().asset_check_keys
    assert dg.AssetCheckKey(LEADERBOARD, reconciliation.CHECK_NAME) in keys


def test_out_of_range_telemetry_lands_warns_and_is_counted(pipeline, tmp_path_factory):
    """Real car_data has cars in the garage reporting gears far above 8 at zero speed: such a
    body lands (bronze keeps it), silver nulls the value and flags the sample, and the silver
    step succeeds with a warning that counts the quarantined samples."""
    from f1_lakehouse.defs.dbt.assets import silver_dbt_models

    work = tmp_path_factory.mktemp("telemetry")
    root = copy_root(pipeline.root, work / "root", bronze=True)
    key = SessionKey.parse("2024-18-R")
    car = read_partition(root.bronze, "openf1", "car_data", key)
    garage = pc.and_(pc.equal(car["speed"], 0), pc.equal(car["driver_number"], 44))
    quarantined = pc.sum(garage.cast(pa.int64())).as_py()
    assert quarantined > 100
    index = car.schema.get_field_index("n_gear")
    gears = pc.if_else(garage, pa.scalar(15, car.schema.field(index).type), car["n_gear"])
    write_partition(root.bronze, "openf1", "car_data", key, car.set_column(index, "n_gear", gears))

    (work / "dagster_home").mkdir()
    with dg.instance_for_test(temp_dir=str(work / "dagster_home")) as instance:
        run = Pipeline(root, instance).materialize("2024-18-R", [silver_dbt_models])
        assert run.success
        checks = {
            e.asset_key.path[-1]: e
            for e in run.get_asset_check_evaluations()
            if e.check_name == "dbt_tests"
        }
    car_check = checks["silver_car_data"]
    assert not car_check.passed and car_check.severity == dg.AssetCheckSeverity.WARN
    (warned,) = car_check.metadata["not_passed"].value
    assert warned == {
        "test": "silver_car_data_quarantined_samples", "status": "warn", "failures": quarantined,
    }  # fmt: skip
    bronze_gears = read_partition(root.bronze, "openf1", "car_data", key)["n_gear"]
    assert pc.sum(pc.equal(bronze_gears, 15).cast(pa.int64())).as_py() == quarantined
    rows = Pipeline(root, None).query(  # type: ignore[arg-type]
        "select count(*) filter (where not is_plausible), count(*) filter (where gear > 8) "
        "from silver.silver_car_data where session_id = '2024-18-R'"
    )
    assert rows == [(quarantined, 0)]
