"""Local faults fail fast: a read-only or full bronze disk fails the FastF1 step at once (no
retry, though the asset has a retry policy) naming the file and the remedy, and loses nothing;
a corrupt bronze file is replaced by the next run; `init` on a read-only root is refused.
Permissions mean nothing to root, so the disks are real: a read-only bind mount and a tiny
tmpfs filled up (mounting needs root; elsewhere these tests skip)."""

from __future__ import annotations

import errno
import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest

from f1_lakehouse import cli
from f1_lakehouse.lib.fastf1 import source as fastf1_source
from f1_lakehouse.lib.local_faults import LocalFault, local_fault
from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse_tests.conftest import materialize_fastf1

KEY = "2023-04-SQ"  # a recorded sprint shootout: 233 laps, no car telemetry recorded


def _materialize(root: DataRoot) -> dg.ExecuteInProcessResult:
    return materialize_fastf1(root.path, KEY, raise_on_error=False)


def _failure(result: dg.ExecuteInProcessResult) -> str:
    """The step's one failure: it was not retried."""
    assert not result.success
    kinds = [e.event_type_value for e in result.all_events]
    assert "STEP_UP_FOR_RETRY" not in kinds and "STEP_RESTARTED" not in kinds
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert len(failures) == 1
    return str(failures[0].event_specific_data.error)


def _checksums(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def mounts() -> Iterator[list[Path]]:
    """What a test mounted (a bind mount is no mount to os.path.ismount), unmounted after it."""
    mounted: list[Path] = []
    yield mounted
    for path in reversed(mounted):
        subprocess.run(["umount", str(path)], check=True)


def _mount(mounts: list[Path], args: list[str]) -> None:
    """`mount args...` onto the last argument; a remount adds nothing to unmount."""
    if subprocess.run(["mount", *args], capture_output=True).returncode:
        pytest.skip("cannot mount here (needs root)")
    if "remount" not in " ".join(args):
        mounts.append(Path(args[-1]))


@pytest.fixture
def landed(data_root) -> DataRoot:
    """A root with the session landed once."""
    assert _materialize(data_root).success
    return data_root


def test_a_read_only_bronze_disk_fails_at_once_and_loses_nothing(landed, mounts):
    bronze = str(landed.bronze)
    _mount(mounts, ["--bind", bronze, bronze])
    _mount(mounts, ["-o", "remount,bind,ro", bronze])
    before = _checksums(landed.bronze)
    message = _failure(_materialize(landed))
    assert "Read-only file system" in message
    assert "remount it read-write" in message
    assert f"{bronze}/fastf1/" in message  # the file it could not write
    assert _checksums(landed.bronze) == before


def test_a_full_bronze_disk_fails_at_once_and_loses_nothing(landed, mounts, tmp_path):
    saved = tmp_path / "saved"
    subprocess.run(["cp", "-a", str(landed.bronze), str(saved)], check=True)
    _mount(mounts, ["-t", "tmpfs", "-o", "size=1m", "tmpfs", str(landed.bronze)])
    subprocess.run(["cp", "-a", f"{saved}/.", str(landed.bronze)], check=True)
    with (
        open(landed.bronze / "filler", "wb", buffering=0) as filler,  # fill what is left
        pytest.raises(OSError) as full,
    ):
        while True:
            filler.write(b"\0" * 65536)
    assert full.value.errno == errno.ENOSPC
    before = _checksums(landed.bronze)
    message = _failure(_materialize(landed))
    assert "No space left on device" in message
    assert "the disk is full: free space" in message
    assert "/data.parquet" in message  # the partition it could not write
    assert _checksums(landed.bronze) == before
    assert not list(landed.bronze.rglob("*.tmp"))  # no half-written temp file left


def test_a_corrupt_bronze_file_the_source_lacks_is_replaced_by_a_rerun(landed):
    """Car telemetry is not in the recordings, so FastF1 lacks the table: the run used to keep
    the previous file, read it, and fail (ArrowInvalid, no path) on every run after."""
    target = landed.bronze / "fastf1/car_data/season=2023/round=04/session=SQ/data.parquet"
    target.write_bytes(b"PAR1 torn by a power cut")
    result = _materialize(landed)
    assert result.success
    assert pq.ParquetFile(target).metadata.num_rows == 0  # a valid (empty) partition again
    notes = {
        e.asset_key.path[-1]: e.materialization.metadata["missing"].value
        for e in result.get_asset_materialization_events()
    }
    assert "replaced the previous partition, which was corrupt" in notes["car_data"]


def test_corrupt_recordings_fail_at_once_naming_the_file(data_root, tmp_path, monkeypatch):
    damaged = tmp_path / "fastf1-test-data_http_cache.tar.gz"
    damaged.write_bytes(fastf1_source.REPLAY_TARBALL.read_bytes()[:4096])  # a truncated copy
    monkeypatch.setattr(fastf1_source, "REPLAY_TARBALL", damaged)
    monkeypatch.setattr(fastf1_source, "_configured", None)  # restored after: FastF1 untouched
    message = _failure(_materialize(data_root))
    assert f"{damaged} is corrupt" in message
    assert "git checkout -- data/" in message


def test_init_on_a_read_only_root_is_refused(tmp_path, mounts, monkeypatch, capsys):
    root = tmp_path / "root"
    root.mkdir()
    monkeypatch.setenv("F1_LAKEHOUSE_ROOT", str(root))
    assert cli.main(["init"]) == 0
    capsys.readouterr()
    _mount(mounts, ["--bind", str(root), str(root)])
    _mount(mounts, ["-o", "remount,bind,ro", str(root)])
    assert cli.main(["init"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("f1-lakehouse init: refused: ")
    assert "Read-only file system" in err and "remount it read-write" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("error", "remedy"),
    [
        (PermissionError(errno.EACCES, "Permission denied", "/ssd/bronze/x"), "write access"),
        (OSError(errno.EROFS, "Read-only file system", "/ssd/bronze/x"), "read-write"),
        (OSError(errno.ENOSPC, "No space left on device"), "free space"),
    ],
)
def test_local_errors_name_the_file_and_the_remedy(error, remedy):
    wrapped = RuntimeError("a library's own error")
    wrapped.__cause__ = error
    fault = local_fault(wrapped, "/ssd/bronze/x")
    assert isinstance(fault, LocalFault)
    assert str(fault).startswith("/ssd/bronze/x: ") and remedy in str(fault)


def test_a_network_error_is_no_local_fault():
    assert local_fault(ConnectionResetError(errno.ECONNRESET, "reset by peer")) is None
