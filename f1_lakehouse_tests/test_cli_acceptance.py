"""The spine's acceptance, the way a user runs it: `dagster asset materialize --select '*'`."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from f1_lakehouse.lib.settings import REPO_ROOT

BIN = Path(sys.executable).parent


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_materialize_everything_for_one_race_from_the_cli(tmp_path):
    root = tmp_path / "ssd"
    env = {
        **os.environ,
        "F1_LAKEHOUSE_ROOT": str(root),
        "F1_LAKEHOUSE_SOURCE": "replay",
        "DAGSTER_HOME": str(root / "dagster_home"),
        "F1_LAKEHOUSE_SEASONS": "2018,2024",
        "DO_NOT_TRACK": "1",
    }
    init = _run([str(BIN / "f1-lakehouse"), "init"], env)
    assert init.returncode == 0, init.stderr
    dagster = [str(BIN / "dagster"), "asset", "materialize", "-m", "f1_lakehouse.definitions"]
    calendar = _run([*dagster, "--select", "bronze/fastf1/calendar"], env)
    assert calendar.returncode == 0, calendar.stderr[-3000:]
    run = _run([*dagster, "--select", "*", "--partition", "2018-04-R"], env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "RUN_SUCCESS" in run.stderr + run.stdout

    with duckdb.connect(str(root / "warehouse" / "f1.duckdb"), read_only=True) as con:
        winner = con.execute(
            "select abbreviation from gold.driver_session_summary "
            "where session_id = '2018-04-R' and position = 1"
        ).fetchall()
        laps = con.execute(
            "select count(*) from silver.silver_laps where session_id = '2018-04-R'"
        ).fetchone()
    assert winner == [("HAM",)]
    assert laps == (848,)
    assert (root / "bronze/fastf1/laps/season=2018/round=04/session=R/data.parquet").exists()

    # The race OpenF1 alone recorded (FastF1 has nothing for it): every asset still lands, and
    # gold classifies it from the timing data.
    run = _run([*dagster, "--select", "*", "--partition", "2024-18-R"], env)
    assert run.returncode == 0, run.stderr[-3000:]
    with duckdb.connect(str(root / "warehouse" / "f1.duckdb"), read_only=True) as con:
        podium = con.execute(
            "select driver_key, classification_source from gold.session_leaderboard "
            "where session_id = '2024-18-R' and position <= 3 order by position"
        ).fetchall()
    assert podium == [(k, "derived_from_timing") for k in ("NOR", "VER", "PIA")]

    summary = _run([str(BIN / "f1-lakehouse"), "summary"], env)
    assert summary.returncode == 0 and "2018-04-R" in summary.stdout and "HAM" in summary.stdout
