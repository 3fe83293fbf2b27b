"""Every dbt unit test passes. Materialisations leave unit tests out (they check SQL logic on
fixed rows, not the data a run lands), so this is where they run."""

from f1_lakehouse_tests.dbt.dbt_cli import copy_root, run_dbt


def test_every_dbt_unit_test_passes(pipeline, tmp_path):
    # Unit tests read their inputs' column types from the warehouse: a built copy.
    root = copy_root(pipeline.root, tmp_path / "root")
    run = run_dbt(["test", "--select", "test_type:unit"], root, tmp_path / "unit")
    assert run.returncode == 0, run.output[-3000:]
    unit_tests = set(run.manifest["unit_tests"])
    assert len(unit_tests) >= 10
    ran = {uid: status for uid, status in run.results.items() if uid.startswith("unit_test.")}
    assert set(ran) == unit_tests  # every one ran
    assert set(ran.values()) == {"pass"}
    # ... and no data test: those check data a run lands, not SQL logic
    assert not [uid for uid in run.results if uid.startswith("test.")]
