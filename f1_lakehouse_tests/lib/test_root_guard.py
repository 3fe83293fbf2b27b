"""The SSD guard on every run: a root `init` never prepared, an unplugged volume (a tmpfs this
test mounts and unmounts) and a RAM disk under F1_LAKEHOUSE_REQUIRE_MOUNT=1 fail the run before
anything is written."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from f1_lakehouse.lib.root_setup import MARKER, DataRootError, init_root, validate_root
from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse_tests.conftest import materialize_fastf1

KEY = "2023-04-SQ"


def _files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*")) if path.exists() else []


def _run(root: Path) -> dg.ExecuteInProcessResult:
    return materialize_fastf1(root, KEY, raise_on_error=False)


def _failure_message(result: dg.ExecuteInProcessResult) -> str:
    assert not result.success
    return "\n".join(str(e.event_specific_data.error) for e in result.all_events if e.is_failure)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A volume of its own the test can 'unplug' (a tmpfs: mounting needs root)."""
    mount = tmp_path / "ssd"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)]).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount
    finally:
        if os.path.ismount(mount):
            subprocess.run(["umount", str(mount)], check=True)


def test_a_root_never_initialised_is_refused_and_gets_no_file(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    message = _failure_message(_run(root))
    assert "has no init marker" in message and "f1-lakehouse init" in message
    assert _files(root) == []


def test_an_unplugged_ssd_fails_the_run_at_once_and_the_system_disk_gains_no_file(tmpfs):
    root = tmpfs / "f1"
    init_root(DataRoot(root), require_mount=True, allow_ram=True)
    assert json.loads((root / MARKER).read_text())["mount_point"] == str(tmpfs)
    validate_root(DataRoot(root), require_mount=True, allow_ram=True)  # plugged in: accepted

    subprocess.run(["umount", str(tmpfs)], check=True)  # the SSD is pulled out
    assert _files(tmpfs) == []
    message = _failure_message(_run(root))
    assert "does not exist: is the external SSD mounted?" in message
    assert _files(tmpfs) == []  # nothing landed under the empty mount point


def test_a_root_that_moved_to_another_volume_is_refused(tmpfs):
    root = tmpfs / "f1"
    init_root(DataRoot(root), require_mount=False)
    marker = (root / MARKER).read_text()
    subprocess.run(["umount", str(tmpfs)], check=True)
    # The same path on the system disk, holding a copy of the marker (a stale backup, say).
    root.mkdir()
    (root / MARKER).write_text(marker)
    message = _failure_message(_run(root))
    assert f"initialised on the volume mounted at {tmpfs}" in message
    assert _files(root) == [root / MARKER]


def test_dev_shm_is_refused_under_require_mount(monkeypatch, tmp_path):
    shm = Path("/dev/shm")
    if not os.path.ismount(shm):
        pytest.skip("no /dev/shm on this machine")
    root = DataRoot(Path(os.path.realpath(shm)) / f"f1-lakehouse-{tmp_path.name}")
    try:
        with pytest.raises(DataRootError, match="held in memory"):
            init_root(root, require_mount=True)
        assert not root.path.exists()
        init_root(root, require_mount=False)  # allowed without the requirement ...
        assert _run(root.path).success
        monkeypatch.setenv("F1_LAKEHOUSE_REQUIRE_MOUNT", "1")  # ... but every run checks it
        assert "held in memory" in _failure_message(_run(root.path))
        monkeypatch.setenv("F1_LAKEHOUSE_ALLOW_RAM_ROOT", "1")
        validate_root(root, require_mount=True, allow_ram=True)
    finally:
        subprocess.run(["rm", "-rf", str(root.path)], check=True)
