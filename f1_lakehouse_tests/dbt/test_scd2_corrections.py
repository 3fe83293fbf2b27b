"""SCD2 that survives corrections: dim_drivers is derived from silver's session history on every
gold build, so a re-landed session that moves a driver to another team and back (and again)
rewrites the history it belongs to, each return is a version of its own, and gold keeps
building. Before, the snapshot reopened the old state with the old start time: a duplicate
version id and every later gold run failed."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from f1_lakehouse.lib.bronze import read_partition, write_partition
from f1_lakehouse.lib.dbt.args import build_args
from f1_lakehouse.lib.dbt.selection import GOLD_SELECT, SILVER_SELECT
from f1_lakehouse.lib.session_keys import SessionKey
from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse_tests.dbt.dbt_cli import copy_root, run_dbt

# Hamilton, Mercedes in every recorded session until Ferrari from 2025; the 2023 Azerbaijan
# qualifying sits between two other Mercedes sessions of his (2023-01-R, 2023-04-SQ).
DRIVER = "HAM"
SESSION = SessionKey.parse("2023-04-Q")
VERSIONS = (
    "select version, team_name, valid_from_session_id, strftime(valid_to, '%Y-%m-%d %H:%M'), "
    "is_current from gold.dim_drivers where driver_key = ? order by version"
)
# His real history in the shipped sessions, and with the corrected session.
HISTORY = [
    (1, "Mercedes", "2018-04-R", "2025-03-16 04:00", False),
    (2, "Ferrari", "2025-01-R", None, True),
]
CORRECTED = [
    (1, "Mercedes", "2018-04-R", "2023-04-28 13:00", False),  # to the corrected session
    (2, "Ferrari", "2023-04-Q", "2023-04-29 08:30", False),  # to the Sprint Shootout
    (3, "Mercedes", "2023-04-SQ", "2025-03-16 04:00", False),  # a version of its own
    (4, "Ferrari", "2025-01-R", None, True),
]


def _reland(root: DataRoot, team: str, work: Path) -> None:
    """Re-land the session with `driver`'s team as given, then rebuild its silver and gold, as
    the corrections schedule and the gold sensor do."""
    results = read_partition(root.bronze, "fastf1", "results", SESSION)
    mine = pc.equal(results["abbreviation"], DRIVER)
    column = results.schema.get_field_index("team_name")
    teams = pc.if_else(mine, pa.scalar(team), results["team_name"])
    write_partition(
        root.bronze, "fastf1", "results", SESSION, results.set_column(column, "team_name", teams)
    )
    silver = run_dbt([*build_args([SESSION]), "--select", SILVER_SELECT], root, work / "silver")
    assert silver.returncode == 0, silver.output[-3000:]
    gold = run_dbt([*build_args(), "--select", GOLD_SELECT], root, work / "gold")
    assert gold.returncode == 0, gold.output[-3000:]  # gold keeps building


def _versions(root: DataRoot) -> list[tuple]:
    with duckdb.connect(str(root.warehouse_file), read_only=True) as con:
        return con.execute(VERSIONS, [DRIVER]).fetchall()


def test_the_shipped_history_is_the_known_versions(pipeline):
    """Every version of the recorded sessions, as the careers went (numbers and team names as
    the timing feed spelt them); the current versions are exactly the rows the driver snapshot
    gave on this data (checked against a build of the snapshot before it was removed)."""
    assert pipeline.query(VERSIONS, [DRIVER]) == HISTORY
    careers = pipeline.query(
        "select driver_key, driver_number, team_name, valid_from_session_id "
        "from gold.dim_drivers where driver_key in ('SAI', 'TSU', 'VER') order by all"
    )
    assert careers == [
        ("SAI", "55", "Ferrari", "2021-10-R"),
        ("SAI", "55", "McLaren", "2020-07-R"),
        ("SAI", "55", "Renault", "2018-04-R"),
        ("SAI", "55", "Williams", "2025-01-R"),
        ("TSU", "22", "AlphaTauri", "2021-10-R"),
        ("TSU", "22", "RB", "2024-05-SQ"),
        ("TSU", "22", "Racing Bulls", "2025-01-R"),
        ("TSU", "22", "Red Bull Racing", "2025-04-R"),
        ("VER", "1", "Red Bull Racing", "2022-01-R"),
        ("VER", "33", "Red Bull Racing", "2018-04-R"),
    ]
    assert pipeline.query(
        "select count(*), count(distinct driver_key), count(*) filter (where is_current) "
        "from gold.dim_drivers"
    ) == [(77, 41, 41)]


@pytest.fixture
def root(pipeline, tmp_path) -> DataRoot:
    return copy_root(pipeline.root, tmp_path / "root", bronze=True)


def test_a_team_flipped_back_and_forth_by_corrections_keeps_gold_building(root, tmp_path):
    for attempt in range(3):
        _reland(root, "Ferrari", tmp_path / f"flip{attempt}")
        assert _versions(root) == CORRECTED, attempt
        _reland(root, "Mercedes", tmp_path / f"back{attempt}")
        assert _versions(root) == HISTORY, attempt
