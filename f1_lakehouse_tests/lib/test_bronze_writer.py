import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from f1_lakehouse.lib.bronze import (
    DATA_FILE,
    open_partition,
    partition_dir,
    read_partition,
    write_partition,
)
from f1_lakehouse.lib.session_keys import SessionKey

KEY = SessionKey.parse("2018-04-R")


def _table(n: int) -> pa.Table:
    return pa.table({"lap_number": pa.array(range(1, n + 1), pa.int64())})


def test_layout_is_hive_partitioned(tmp_path):
    write = write_partition(tmp_path, "fastf1", "laps", KEY, _table(3))
    assert write.path == tmp_path / "fastf1/laps/season=2018/round=04/session=R" / DATA_FILE
    assert write.row_count == 3


def test_rerun_replaces_the_partition_whole(tmp_path):
    write_partition(tmp_path, "fastf1", "laps", KEY, _table(5))
    write_partition(tmp_path, "fastf1", "laps", KEY, _table(2))
    folder = partition_dir(tmp_path, "fastf1", "laps", KEY)
    assert [p.name for p in folder.iterdir()] == [DATA_FILE]
    assert read_partition(tmp_path, "fastf1", "laps", KEY).num_rows == 2


def test_failed_write_leaves_the_previous_partition_untouched(tmp_path):
    write = write_partition(tmp_path, "fastf1", "laps", KEY, _table(4))
    before = write.path.read_bytes()
    schema = _table(1).schema
    with (
        pytest.raises(RuntimeError, match="source broke"),
        open_partition(tmp_path, "fastf1", "laps", KEY, schema) as stream,
    ):
        stream.write(_table(100))
        raise RuntimeError("source broke mid-stream")
    assert write.path.read_bytes() == before
    assert [p.name for p in write.path.parent.iterdir()] == [DATA_FILE]


def test_schema_mismatch_fails_without_touching_the_partition(tmp_path):
    write = write_partition(tmp_path, "fastf1", "laps", KEY, _table(4))
    before = write.path.read_bytes()
    with (
        pytest.raises(ValueError),
        open_partition(tmp_path, "fastf1", "laps", KEY, _table(1).schema) as s,
    ):
        s.write(pa.table({"other": pa.array(["x"])}))
    assert write.path.read_bytes() == before


def test_streamed_batches_land_as_one_file(tmp_path):
    with open_partition(tmp_path, "openf1", "car_data", KEY, _table(1).schema) as stream:
        for _ in range(3):
            stream.write(_table(10).to_batches()[0])
    assert stream.row_count == 30
    assert read_partition(tmp_path, "openf1", "car_data", KEY).num_rows == 30


def test_empty_table_lands_an_empty_well_typed_partition(tmp_path):
    write = write_partition(tmp_path, "fastf1", "laps", KEY, _table(0))
    assert write.row_count == 0
    assert read_partition(tmp_path, "fastf1", "laps", KEY).schema == _table(0).schema


@pytest.mark.parametrize("name", ["../x", "Laps", "a/b", ""])
def test_table_and_source_names_are_validated(tmp_path, name):
    with pytest.raises(ValueError, match="must match"):
        partition_dir(tmp_path, "fastf1", name, KEY)
    with pytest.raises(ValueError, match="must match"):
        partition_dir(tmp_path, name, "laps", KEY)


def test_the_temp_file_is_fsynced_before_the_rename_and_the_folder_after(tmp_path, monkeypatch):
    """A power cut after the rename must not keep the new name over lost bytes."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src, dst) -> None:
        events.append(("replace", str(src)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write = write_partition(tmp_path, "fastf1", "laps", KEY, _table(3))
    [(_, tmp)] = [e for e in events if e[0] == "replace"]
    assert Path(tmp).name.startswith(f".{DATA_FILE}.") and tmp.endswith(".tmp")
    assert events == [("fsync", tmp), ("replace", tmp), ("fsync", str(write.path.parent))]


_KILLED_WRITER = """
import sys
import pyarrow as pa
from pathlib import Path
from f1_lakehouse.lib.bronze import open_partition
from f1_lakehouse.lib.session_keys import SessionKey

table = pa.table({"lap_number": pa.array(range(1000), pa.int64())})
with open_partition(Path(sys.argv[1]), "fastf1", "laps", SessionKey.parse("2018-04-R"),
                    table.schema) as stream:
    stream.write(table)
    print("writing", flush=True)
    sys.stdin.read()  # held open until the test kills it or closes stdin
"""


def _writer(bronze: Path) -> subprocess.Popen:
    """A writer in its own process, stopped mid-write (temp file open and partly written)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(bronze)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout.readline() == "writing\n"
    return proc


def test_temp_files_of_a_killed_write_go_at_the_next_write_and_a_live_one_stays(tmp_path):
    folder = partition_dir(tmp_path, "fastf1", "laps", KEY)
    killed = _writer(tmp_path)
    killed.kill()
    killed.wait()
    [stale] = folder.glob(f".{DATA_FILE}.*.tmp")  # what SIGKILL leaves behind
    live = _writer(tmp_path)
    try:
        [in_use] = set(folder.glob(f".{DATA_FILE}.*.tmp")) - {stale}
        write_partition(tmp_path, "fastf1", "laps", KEY, _table(2))
        assert not stale.exists()
        assert in_use.exists()  # a write still running keeps its file
        assert read_partition(tmp_path, "fastf1", "laps", KEY).num_rows == 2
    finally:
        live.kill()
        live.wait()
    write_partition(tmp_path, "fastf1", "laps", KEY, _table(4))
    assert sorted(p.name for p in folder.iterdir()) == [DATA_FILE]
