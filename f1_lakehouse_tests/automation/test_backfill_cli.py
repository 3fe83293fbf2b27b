"""The README's CLI backfill of every recorded session, run exactly as written there: one run
over the partition range (FastF1 bronze → silver), then gold. Also the range helper."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import dagster as dg
import pytest

from f1_lakehouse.defs.automation.backfill import (
    NotOneRange,
    contiguous_range,
    season_range,
    sessions_range,
)
from f1_lakehouse.defs.automation.jobs import GOLD_KEYS, SILVER_KEYS
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.settings import REPO_ROOT
from f1_lakehouse_tests.conftest import make_root

README = REPO_ROOT / "README.md"


def readme_command(prefix: str) -> str:
    """The one line of the README's automation section that starts with `prefix`."""
    section = README.read_text().split("## Automation and backfills", 1)[1]
    lines = [line for line in section.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, f"expected one README line starting {prefix!r}, found {lines}"
    return lines[0]


def test_every_recorded_session_backfills_as_one_run(tmp_path: Path) -> None:
    command = readme_command('make backfill SESSIONS="')
    sessions = re.search(r'SESSIONS="([^"]+)"', command)[1].split()  # type: ignore[index]
    root = make_root(tmp_path / "root")
    env = {
        **os.environ,
        "F1_LAKEHOUSE_ROOT": str(root.path),
        "F1_LAKEHOUSE_SOURCE": "replay",
        "DAGSTER_HOME": str(root.dagster_home),
    }
    done = subprocess.run(
        command, shell=True, cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"== backfill {sessions[0]}...{sessions[-1]}" in done.stdout

    with dg.DagsterInstance.from_config(str(root.dagster_home)) as instance:
        runs = instance.get_runs()
        assert [r.status for r in runs] == [dg.DagsterRunStatus.SUCCESS] * 2
        gold_run, range_run = runs  # newest first
        assert range_run.tags["dagster/asset_partition_range_start"] == sessions[0]
        assert range_run.tags["dagster/asset_partition_range_end"] == sessions[-1]
        for key in SILVER_KEYS:
            assert instance.get_materialized_partitions(key) == set(sessions), key
        for key in GOLD_KEYS:
            records = instance.fetch_materializations(key, limit=1).records
            assert records and records[0].run_id == gold_run.run_id


def test_a_season_is_one_range_in_registration_order() -> None:
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(
            SESSION_PARTITIONS_NAME, ["2023-01-FP1", "2023-01-R", "2023-22-R"]
        )
        instance.add_dynamic_partitions(SESSION_PARTITIONS_NAME, ["2024-01-R"])
        assert season_range(instance, 2023) == "2023-01-FP1...2023-22-R"
        # A session added to 2023 later (a new race) sits after 2024's: not one range any more.
        instance.add_dynamic_partitions(SESSION_PARTITIONS_NAME, ["2023-23-R"])
        with pytest.raises(NotOneRange, match="would also run 2024-01-R"):
            season_range(instance, 2023)
        with pytest.raises(NotOneRange, match="no 2019 sessions"):
            season_range(instance, 2019)


def test_listed_sessions_are_registered_together() -> None:
    with dg.instance_for_test() as instance:
        assert sessions_range(instance, ["2018-04-R", "2023-04-S"]) == "2018-04-R...2023-04-S"
        assert instance.get_dynamic_partitions(SESSION_PARTITIONS_NAME) == [
            "2018-04-R",
            "2023-04-S",
        ]
        assert contiguous_range(["a", "b", "c"], ["b", "c"]) == "b...c"
