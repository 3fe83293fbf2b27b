"""The project works with the `dg` CLI: `dg check defs` passes and `dg list defs` lists what
the one Definitions holds (the defs-folder loader, pyproject.toml's `[tool.dg]`)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from f1_lakehouse.definitions import defs
from f1_lakehouse.lib.settings import REPO_ROOT

DG = Path(sys.executable).with_name("dg")


def _dg(*args: str) -> subprocess.CompletedProcess[str]:
    if not DG.exists() and shutil.which("dg") is None:
        pytest.fail("dg is not installed: `make install` installs the dev dependencies")
    env = {**os.environ, "DAGSTER_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1"}
    return subprocess.run(
        [str(DG) if DG.exists() else "dg", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_dg_check_defs_passes():
    result = _dg("check", "defs")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def listed() -> dict:
    result = _dg("list", "defs", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_dg_list_defs_shows_every_asset_of_the_definitions(listed: dict):
    keys = {asset["asset_key"] for asset in listed["assets"]}
    expected = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert keys == expected
    assert {sensor["name"] for sensor in listed["sensors"]} == {
        "race_weekend_sensor",
        "gold_after_silver_sensor",
        "live_session_sensor",
    }


def test_the_readme_layout_names_every_asset_group(listed: dict):
    """The README's Layout table maps each group to its defs module, client and tests."""
    readme = (REPO_ROOT / "README.md").read_text()
    layout = readme[readme.index("## Layout") : readme.index("### Partitions")]
    groups = {asset["group_name"] for asset in listed["assets"]}
    assert groups and all(f"`{group}`" in layout for group in groups), groups
